import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { ThemesTable } from '../../plugins/db/schema.ts';
import { conflict, notFound, unprocessable } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';

const ThemeSchema = Type.Object(
  {
    code: Type.String({ description: 'Codice gerarchico, es. `piattaforme.pagopa`' }),
    parentCode: Type.Union([Type.Null(), Type.String()]),
    label: Type.String(),
    description: Type.Union([Type.Null(), Type.String()]),
  },
  { $id: 'Theme' },
);
const ThemeList = Type.Object({ items: Type.Array(Type.Ref('Theme')), total: Type.Integer({ format: 'int32' }) }, { $id: 'ThemeList' });
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)*$', maxLength: 100 }) });
const NewTheme = Type.Object(
  {
    code: CodeParams.properties.code,
    label: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const ThemeChanges = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])),
  },
  { additionalProperties: false },
);

const toTheme = (row: Selectable<ThemesTable>) => ({ code: row.code, parentCode: row.parent_code, label: row.label, description: row.description });
const MANAGE = { access: { permission: 'registry:manage' as const } };
const WRITE_ERRORS = problemResponses({ 401: 'Non autenticato', 403: 'Permessi insufficienti' });

/** The shared themes vocabulary: data, not code. The parent of `a.b` is `a`. */
const themesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(ThemeSchema);
  app.addSchema(ThemeList);

  app.get(
    '/themes',
    {
      config: { access: 'public' },
      schema: {
        tags: ['themes'],
        operationId: 'listThemes',
        summary: 'Vocabolario dei temi (aree del Piano triennale e temi degli RTD)',
        response: { 200: Type.Ref('ThemeList') },
      },
    },
    async () => {
      const rows = await app.db.selectFrom('themes').selectAll().orderBy('sort_order').orderBy('code').execute();
      return { items: rows.map(toTheme), total: rows.length };
    },
  );

  app.post(
    '/themes',
    {
      config: MANAGE,
      schema: {
        tags: ['themes'],
        operationId: 'createTheme',
        summary: 'Aggiunge un tema',
        body: NewTheme,
        response: { 201: Type.Ref('Theme'), ...WRITE_ERRORS, ...problemResponses({ 409: 'Codice già usato', 422: 'Tema padre inesistente' }) },
      },
    },
    async (request, reply) => {
      const { code, label, description } = request.body;
      const parent = code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null;
      const row = await app.db.transaction().execute(async (trx) => {
        if (parent && !(await trx.selectFrom('themes').select('code').where('code', '=', parent).executeTakeFirst())) {
          throw unprocessable('PARENT_THEME_NOT_FOUND', `Il tema padre «${parent}» non esiste.`, [
            { field: 'body.code', message: `Crea prima il tema «${parent}».` },
          ]);
        }
        if (await trx.selectFrom('themes').select('code').where('code', '=', code).executeTakeFirst())
          throw conflict('THEME_EXISTS', `Il tema «${code}» esiste già.`);
        const max = await trx
          .selectFrom('themes')
          .select((eb) => eb.fn.max('sort_order').as('max'))
          .executeTakeFirstOrThrow();
        const created = await trx
          .insertInto('themes')
          .values({ code, parent_code: parent, label, description: description ?? null, sort_order: Number(max.max ?? 0) + 1 })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, request, { action: 'theme.created', entity: 'theme', entityId: code, changes: { label } });
        return created;
      });
      return reply.code(201).send(toTheme(row));
    },
  );

  app.put(
    '/themes/:code',
    {
      config: MANAGE,
      schema: {
        tags: ['themes'],
        operationId: 'updateTheme',
        summary: 'Modifica etichetta o descrizione di un tema',
        params: CodeParams,
        body: ThemeChanges,
        response: { 200: Type.Ref('Theme'), ...WRITE_ERRORS, ...problemResponses({ 404: 'Tema non trovato' }) },
      },
    },
    async (request) => {
      return app.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('themes').selectAll().where('code', '=', request.params.code).forUpdate().executeTakeFirst();
        if (!before) throw notFound('THEME_NOT_FOUND', `Il tema «${request.params.code}» non esiste.`);
        const after = await trx
          .updateTable('themes')
          .set({ ...request.body, updated_at: sql`now()` })
          .where('code', '=', request.params.code)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diff(toTheme(before), toTheme(after));
        if (Object.keys(changes).length > 0) await recordAudit(trx, request, { action: 'theme.updated', entity: 'theme', entityId: after.code, changes });
        return toTheme(after);
      });
    },
  );

  app.delete(
    '/themes/:code',
    {
      config: MANAGE,
      schema: {
        tags: ['themes'],
        operationId: 'deleteTheme',
        summary: 'Elimina un tema non usato',
        params: CodeParams,
        response: { 204: Type.Null(), ...WRITE_ERRORS, ...problemResponses({ 404: 'Tema non trovato', 409: 'Tema in uso' }) },
      },
    },
    async (request, reply) => {
      await app.db.transaction().execute(async (trx) => {
        // Calls and programming reference themes with ON DELETE RESTRICT: a theme in use cannot go.
        const inUse = await trx.selectFrom('themes').select('code').where('parent_code', '=', request.params.code).executeTakeFirst();
        if (inUse) throw conflict('THEME_IN_USE', `Il tema «${request.params.code}» ha sottotemi: eliminali prima.`);
        const removed = await trx.deleteFrom('themes').where('code', '=', request.params.code).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) throw notFound('THEME_NOT_FOUND', `Il tema «${request.params.code}» non esiste.`);
        await recordAudit(trx, request, { action: 'theme.deleted', entity: 'theme', entityId: request.params.code });
      });
      return reply.code(204).send(null);
    },
  );
};

export default themesRoutes;
