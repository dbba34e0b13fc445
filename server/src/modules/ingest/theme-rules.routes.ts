import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { recordAudit } from '../auth/index.ts';
import { notFound, unprocessable } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { unknownThemeMessage, unknownThemes } from '../themes/index.ts';

const Rule = Type.Object(
  { id: Type.Integer({ format: 'int32' }), kind: Type.String({ enum: ['measure', 'keyword'] }), pattern: Type.String(), themeCode: Type.String() },
  { $id: 'ThemeRule' },
);
const RuleInput = Type.Object(
  {
    kind: Type.String({
      enum: ['measure', 'keyword'],
      description: 'measure: codice di misura (es. 1.4.4, vale anche per le sottomisure); keyword: parola o frase nel titolo o nella sintesi',
    }),
    pattern: Type.String({ minLength: 2, maxLength: 100 }),
    themeCode: Type.String({ maxLength: 100 }),
  },
  { additionalProperties: false },
);
const ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti' });

/** The measure-code and keyword map that suggests themes for ingested calls: data admins edit. */
const themeRulesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Rule);

  app.get(
    '/theme-rules',
    {
      config: { access: { permission: 'calls:write' } },
      schema: {
        tags: ['ingest'],
        operationId: 'listThemeRules',
        summary: 'Regole che propongono i temi dei bandi importati',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('ThemeRule')) }), ...ERRORS },
      },
    },
    async () => {
      const rows = await app.db.selectFrom('theme_rules').selectAll().orderBy('kind').orderBy('pattern').orderBy('theme_code').execute();
      return { items: rows.map((r) => ({ id: r.id, kind: r.kind, pattern: r.pattern, themeCode: r.theme_code })) };
    },
  );

  app.post(
    '/theme-rules',
    {
      config: { access: { permission: 'registry:manage' } },
      schema: {
        tags: ['ingest'],
        operationId: 'createThemeRule',
        summary: 'Aggiunge una regola',
        body: RuleInput,
        response: { 201: Type.Ref('ThemeRule'), ...ERRORS, ...problemResponses({ 409: 'Regola già presente', 422: 'Tema inesistente' }) },
      },
    },
    async (request, reply) => {
      const { kind, pattern, themeCode } = request.body;
      const row = await app.db.transaction().execute(async (trx) => {
        if ((await unknownThemes(trx, [themeCode])).length > 0) {
          throw unprocessable('UNKNOWN_THEME', unknownThemeMessage(themeCode), [{ field: 'body.themeCode', message: unknownThemeMessage(themeCode) }]);
        }
        const created = await trx
          .insertInto('theme_rules')
          .values({ kind: kind as 'measure' | 'keyword', pattern: pattern.trim().toLowerCase(), theme_code: themeCode })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, request, {
          action: 'theme-rule.created',
          entity: 'theme_rule',
          entityId: String(created.id),
          changes: { kind, pattern, themeCode },
        });
        return created;
      });
      return reply.code(201).send({ id: row.id, kind: row.kind, pattern: row.pattern, themeCode: row.theme_code });
    },
  );

  app.delete(
    '/theme-rules/:id',
    {
      config: { access: { permission: 'registry:manage' } },
      schema: {
        tags: ['ingest'],
        operationId: 'deleteThemeRule',
        summary: 'Elimina una regola',
        params: Type.Object({ id: Type.Integer({ minimum: 1, format: 'int32' }) }),
        response: { 204: Type.Null(), ...ERRORS, ...problemResponses({ 404: 'Regola non trovata' }) },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute(async (trx) => {
        const removed = await trx.deleteFrom('theme_rules').where('id', '=', request.params.id).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) throw notFound('THEME_RULE_NOT_FOUND', 'Regola non trovata.');
        await recordAudit(trx, request, { action: 'theme-rule.deleted', entity: 'theme_rule', entityId: String(request.params.id) });
      });
      return reply.code(204).send(null);
    },
  );
};

export default themeRulesRoutes;
