import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import type { FastifyRequest } from 'fastify';
import { assertComuneExists } from './comuni.service.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { IstatParams } from './comuni.schemas.ts';
import { findProfileExtras, replaceProfileExtras } from './profile.service.ts';

const comuneOf = (request: FastifyRequest) => (request.params as { istat: string }).istat;
const ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Non puoi vedere o modificare questo comune', 404: 'Comune non trovato' });

/** The parts of a profile the comune's RTD keeps: contacts, declared interests, notes. */
const profileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const assertComune = (istat: string) => assertComuneExists(app.db, istat);

  app.get(
    '/comuni/:istat/profile',
    {
      config: { access: { permission: 'comuni:read-private', comune: comuneOf } },
      schema: {
        tags: ['comuni'],
        operationId: 'getComuneProfileExtras',
        summary: 'Referenti, interessi e note del comune',
        params: IstatParams,
        response: { 200: Type.Ref('ComuneProfileExtrasView'), ...ERRORS },
      },
    },
    async (request) => {
      await assertComune(request.params.istat);
      return findProfileExtras(app.db, request.params.istat);
    },
  );

  app.put(
    '/comuni/:istat/profile',
    {
      config: { access: { permission: 'programming:write', comune: comuneOf } },
      schema: {
        tags: ['comuni'],
        operationId: 'replaceComuneProfileExtras',
        summary: 'Aggiorna referenti, interessi e note del comune',
        params: IstatParams,
        body: Type.Ref('ComuneProfileExtras'),
        response: { 200: Type.Ref('ComuneProfileExtrasView'), ...ERRORS, ...problemResponses({ 422: 'Tema inesistente' }) },
      },
    },
    async (request) => {
      await assertComune(request.params.istat);
      const body = request.body as Parameters<typeof replaceProfileExtras>[3];
      const saved = await app.db.transaction().execute((trx) => replaceProfileExtras(trx, request, request.params.istat, body));
      app.profileCache.invalidate(request.params.istat);
      return saved;
    },
  );
};

export default profileRoutes;
