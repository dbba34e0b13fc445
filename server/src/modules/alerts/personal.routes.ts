import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { sql } from 'kysely';
import { conflict, notFound, unprocessable } from '../../shared/domain-errors.ts';
import { PERSON_403, PERSON_WRITE_403 } from '../auth/index.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { userOf } from '../auth/index.ts';
import { callsView } from '../calls/index.ts';
import { unknownThemeMessage, unknownThemes } from '../themes/index.ts';
import { SavedSearch, SavedSearchInput, SavedSearchQuery, toSavedSearch, type SavedSearchInputValue } from './saved-searches.service.ts';

const PERSON = { access: 'person' as const };
const MAX_SAVED_SEARCHES = 50;
const FollowMode = Type.String({
  enum: ['follow', 'mute'],
  description: 'follow: avvisi su modifiche e scadenze anche se il bando non è tra i miei; mute: nessun avviso',
});
const Follow = Type.Object(
  { callId: Type.String({ format: 'uuid' }), title: Type.String(), mode: FollowMode, createdAt: Type.String({ format: 'date-time' }) },
  { $id: 'CallFollow' },
);
const CallParams = Type.Object({ callId: Type.String({ format: 'uuid' }) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const READ_ERRORS = { 401: 'Non autenticato', 403: PERSON_403 };
const WRITE_ERRORS = { 401: 'Non autenticato', 403: PERSON_WRITE_403 };

/** Single calls a user follows or mutes, and the catalogue searches they saved. */
const personalAlertsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Follow);
  app.addSchema(SavedSearchQuery);
  app.addSchema(SavedSearchInput);
  app.addSchema(SavedSearch);
  const toSearch = toSavedSearch(app.config.publicBaseUrl);

  app.get(
    '/me/follows',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'listMyFollows',
        summary: 'Bandi che seguo o ho silenziato',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('CallFollow')) }), ...problemResponses(READ_ERRORS) },
      },
    },
    async (request) => {
      const rows = await app.db
        .selectFrom('call_follows as f')
        .innerJoin(callsView.as('k'), 'k.id', 'f.call_id')
        .select(['f.call_id', 'k.title', 'f.mode', 'f.created_at'])
        .where('f.user_id', '=', userOf(request.principal))
        .orderBy('f.created_at', 'desc')
        .execute();
      return { items: rows.map((r) => ({ callId: r.call_id, title: r.title, mode: r.mode, createdAt: r.created_at.toISOString() })) };
    },
  );

  app.put(
    '/me/follows/:callId',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'putMyFollow',
        summary: 'Segui un bando (avvisi su modifiche e scadenze) o silenzialo',
        params: CallParams,
        body: Type.Object({ mode: FollowMode }, { additionalProperties: false }),
        response: { 200: Type.Ref('CallFollow'), ...problemResponses({ ...WRITE_ERRORS, 404: 'Bando non trovato' }) },
      },
    },
    async (request) => {
      const userId = userOf(request.principal);
      const call = await app.db
        .selectFrom(callsView.as('k'))
        .select(['k.id', 'k.title'])
        .where('k.id', '=', request.params.callId)
        .where('k.editorial_status', 'in', ['published', 'scheduled'])
        .executeTakeFirst();
      if (!call) throw notFound('CALL_NOT_FOUND', 'Bando non trovato tra quelli pubblicati.');
      const row = await app.db
        .insertInto('call_follows')
        .values({ user_id: userId, call_id: call.id, mode: request.body.mode as 'follow' })
        .onConflict((oc) => oc.columns(['user_id', 'call_id']).doUpdateSet({ mode: request.body.mode as 'follow' }))
        .returning(['mode', 'created_at'])
        .executeTakeFirstOrThrow();
      return { callId: call.id, title: call.title, mode: row.mode, createdAt: row.created_at.toISOString() };
    },
  );

  app.delete(
    '/me/follows/:callId',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'deleteMyFollow',
        summary: 'Smetti di seguire (o di silenziare) un bando',
        params: CallParams,
        response: { 204: Type.Null(), ...problemResponses({ ...WRITE_ERRORS, 404: 'Il bando non era seguito né silenziato' }) },
      },
    },
    async (request, reply) => {
      const deleted = await app.db
        .deleteFrom('call_follows')
        .where('user_id', '=', userOf(request.principal))
        .where('call_id', '=', request.params.callId)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw notFound('FOLLOW_NOT_FOUND', 'Non segui né hai silenziato questo bando.');
      return reply.code(204).send(null);
    },
  );

  async function assertValidSearch(input: SavedSearchInputValue) {
    const unknown = input.query.theme ? await unknownThemes(app.db, [input.query.theme]) : [];
    if (unknown.length > 0)
      throw unprocessable('INVALID_SAVED_SEARCH', 'La ricerca non può essere salvata.', [
        { field: 'body.query.theme', message: unknownThemeMessage(unknown[0]!) },
      ]);
  }
  const duplicateName = (name: string) => conflict('SAVED_SEARCH_NAME_TAKEN', `Hai già una ricerca salvata chiamata «${name}»: scegli un altro nome.`);
  const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

  app.get(
    '/me/saved-searches',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'listMySavedSearches',
        summary: 'Le mie ricerche salvate',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('SavedSearch')) }), ...problemResponses(READ_ERRORS) },
      },
    },
    async (request) => ({
      items: (await app.db.selectFrom('saved_searches').selectAll().where('user_id', '=', userOf(request.principal)).orderBy('name').execute()).map(toSearch),
    }),
  );

  app.post(
    '/me/saved-searches',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'createMySavedSearch',
        summary: 'Salva una ricerca del catalogo, con avviso dei nuovi bandi che vi entrano',
        body: Type.Ref('SavedSearchInput'),
        response: { 201: Type.Ref('SavedSearch'), ...problemResponses({ ...WRITE_ERRORS, 409: 'Nome già usato o troppe ricerche', 422: 'Filtri non validi' }) },
      },
    },
    async (request, reply) => {
      const userId = userOf(request.principal);
      const input = request.body as SavedSearchInputValue;
      await assertValidSearch(input);
      const saved = await app.db
        .transaction()
        .execute(async (trx) => {
          // Counted under a lock on the user's row: two saves at once cannot pass the limit together.
          await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
          const { n } = await trx
            .selectFrom('saved_searches')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', userId)
            .executeTakeFirstOrThrow();
          if (Number(n) >= MAX_SAVED_SEARCHES)
            throw conflict('TOO_MANY_SAVED_SEARCHES', `Puoi salvare al massimo ${MAX_SAVED_SEARCHES} ricerche: eliminane una prima.`);
          return trx
            .insertInto('saved_searches')
            .values({ user_id: userId, name: input.name.trim(), query: JSON.stringify(input.query), notify: input.notify })
            .returningAll()
            .executeTakeFirstOrThrow();
        })
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? duplicateName(input.name) : error;
        });
      return reply.code(201).header('location', `/api/v1/me/saved-searches/${saved.id}`).send(toSearch(saved));
    },
  );

  const findOwn = async (userId: string, id: string) => {
    const row = await app.db.selectFrom('saved_searches').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw notFound('SAVED_SEARCH_NOT_FOUND', 'Ricerca salvata non trovata.');
    return row;
  };

  app.get(
    '/me/saved-searches/:id',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'getMySavedSearch',
        summary: 'Una ricerca salvata',
        params: IdParams,
        response: { 200: Type.Ref('SavedSearch'), ...problemResponses({ ...READ_ERRORS, 404: 'Ricerca non trovata' }) },
      },
    },
    async (request) => toSearch(await findOwn(userOf(request.principal), request.params.id)),
  );

  app.put(
    '/me/saved-searches/:id',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'putMySavedSearch',
        summary: 'Modifica una ricerca salvata',
        params: IdParams,
        body: Type.Ref('SavedSearchInput'),
        response: {
          200: Type.Ref('SavedSearch'),
          ...problemResponses({ ...WRITE_ERRORS, 404: 'Ricerca non trovata', 409: 'Nome già usato', 422: 'Filtri non validi' }),
        },
      },
    },
    async (request) => {
      const userId = userOf(request.principal);
      const input = request.body as SavedSearchInputValue;
      await findOwn(userId, request.params.id);
      await assertValidSearch(input);
      const row = await app.db
        .updateTable('saved_searches')
        .set({ name: input.name.trim(), query: JSON.stringify(input.query), notify: input.notify, updated_at: sql<Date>`now()` })
        .where('id', '=', request.params.id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? duplicateName(input.name) : error;
        });
      return toSearch(row);
    },
  );

  app.delete(
    '/me/saved-searches/:id',
    {
      config: PERSON,
      schema: {
        tags: ['alerts'],
        operationId: 'deleteMySavedSearch',
        summary: 'Elimina una ricerca salvata',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses({ ...WRITE_ERRORS, 404: 'Ricerca non trovata' }) },
      },
    },
    async (request, reply) => {
      const deleted = await app.db
        .deleteFrom('saved_searches')
        .where('id', '=', request.params.id)
        .where('user_id', '=', userOf(request.principal))
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw notFound('SAVED_SEARCH_NOT_FOUND', 'Ricerca salvata non trovata.');
      return reply.code(204).send(null);
    },
  );
};

export default personalAlertsRoutes;
