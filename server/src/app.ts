import Fastify, { LogController, type FastifyInstance } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './plugins/config.ts';
import type { Db } from './plugins/db/database.ts';
import { clientErrorHandler, errorHandlerPlugin, frameworkErrors } from './plugins/errors/error-handler.ts';
import { loggerOptions, redactedUrl, requestIdOptions } from './plugins/logging.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import type { JobQueue } from './plugins/queue.ts';
import { createMailer, type Mailer } from './plugins/mail.ts';
import { compressionPlugin } from './plugins/compression.ts';
import { securityPlugin } from './plugins/security.ts';
import { authPlugin } from './plugins/auth.ts';
import { controlCharactersPlugin } from './plugins/control-characters.ts';
import { spaPlugin } from './plugins/spa.ts';
import { startSystemJobs } from './modules/system/system.jobs.ts';
import { startAuthJobs } from './modules/auth/auth.jobs.ts';
import systemRoutes from './modules/system/system.routes.ts';
import authRoutes from './modules/auth/auth.routes.ts';
import usersRoutes from './modules/auth/users.routes.ts';
import oidcRoutes from './modules/auth/oidc.routes.ts';
import comuniRoutes from './modules/comuni/comuni.routes.ts';
import importsRoutes from './modules/comuni/imports.routes.ts';
import profileRoutes from './modules/comuni/profile.routes.ts';
import { registerProfileCache } from './modules/comuni/profile.cache.ts';
import { registerOpportunitiesCache } from './modules/matching/opportunities.cache.ts';
import { registerSearchCache } from './modules/search/search.cache.ts';
import programmingRoutes from './modules/programming/programming.routes.ts';
import aggregationsRoutes from './modules/aggregations/aggregations.routes.ts';
import callsRoutes from './modules/calls/calls.routes.ts';
import editorialRoutes from './modules/calls/editorial.routes.ts';
import { callsSharedSchemas } from './modules/calls/calls.schemas.ts';
import { startCallsJobs } from './modules/calls/calls.jobs.ts';
import ingestRoutes from './modules/ingest/ingest.routes.ts';
import themeRulesRoutes from './modules/ingest/theme-rules.routes.ts';
import searchRoutes from './modules/search/search.routes.ts';
import matchingRoutes from './modules/matching/matching.routes.ts';
import publicOpportunitiesRoutes from './modules/matching/public-opportunities.routes.ts';
import coverageRoutes from './modules/matching/coverage.routes.ts';
import myOpportunitiesRoutes from './modules/matching/my-opportunities.routes.ts';
import { matchingWorker } from './modules/matching/matching.jobs.ts';
import { alertsWorker } from './modules/alerts/alerts.jobs.ts';
import alertsRoutes, { deliveriesRoutes, unsubscribeRoutes } from './modules/alerts/alerts.routes.ts';
import personalAlertsRoutes from './modules/alerts/personal.routes.ts';
import feedsRoutes from './modules/alerts/feeds.routes.ts';
import { aggregationWebhooksRoutes, comuneWebhooksRoutes, webhookSchemas } from './modules/alerts/webhooks.routes.ts';
import { alertsSharedSchemas } from './modules/alerts/alerts.schemas.ts';
import { searchWorker } from './modules/search/search.jobs.ts';
import { createSearchEngine } from './plugins/search/index.ts';
import type { SearchEngine } from './plugins/search/engine.ts';
import { ingestSharedSchemas } from './modules/ingest/ingest.schemas.ts';
import { startIngestJobs } from './modules/ingest/ingest.jobs.ts';
import { aggregationsSharedSchemas } from './modules/aggregations/aggregations.schemas.ts';
import { programmingSharedSchemas } from './modules/programming/programming.schemas.ts';
import themesRoutes from './modules/themes/themes.routes.ts';
import { comuniSharedSchemas } from './modules/comuni/comuni.schemas.ts';
import { authSharedSchemas } from './modules/auth/auth.schemas.ts';
import { usersSharedSchemas } from './modules/auth/users.schemas.ts';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

export interface AppServices {
  db: Db;
  /** Absent in processes that neither enqueue nor work jobs (most HTTP tests). */
  queue?: JobQueue;
  /** Defaults to SMTP when SMTP_URL is set, else the outbox table. */
  mailer?: Mailer;
  /** Defaults to the engine the config chooses (Meilisearch or PostgreSQL). */
  search?: SearchEngine;
  /** Where logs go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
}

/** OpenAPI's number formats are documentation for clients; Ajv only needs to accept them. */
function acceptNumberFormats<T extends { addFormat(name: string, format: true): unknown }>(ajv: T): T {
  for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, true);
  return ajv;
}

/** What the shared validators need of an Ajv instance. */
interface SchemaStore {
  schemas: Record<string, unknown>;
  addSchema(schema: object): unknown;
}
type ValidatorOptions = { customOptions: object; onCreate?: (ajv: SchemaStore) => void };
type CompileValidator = (route: { httpPart?: string }) => unknown;

/**
 * Query strings and path parameters arrive as text and are coerced to their schema's types; JSON
 * bodies already carry types, and coercing them would turn a `null` into 0 (or 0 into `null`) in
 * nullable fields, so bodies are validated as sent.
 *
 * One Ajv instance of each kind serves the whole app. Fastify asks for a compiler in every plugin
 * that adds schemas, and each new instance compiled every shared schema again: 16 of them took 40% of
 * `ready` on a restart. Schema ids are unique across the app, so an instance that holds them all
 * validates alike; a plugin's schemas are added to it when the plugin's routes are compiled.
 */
function coercingOnlyOutsideBodies(): ReturnType<typeof AjvCompiler> {
  const factory = AjvCompiler();
  const shared = new Map<'coercing' | 'exact', { compile: CompileValidator; store: SchemaStore }>();
  const compilerFor = (kind: 'coercing' | 'exact', externalSchemas: Record<string, { $id?: string }>, options: ValidatorOptions) => {
    const existing = shared.get(kind);
    if (existing) {
      for (const schema of Object.values(externalSchemas)) if (schema.$id && !existing.store.schemas[schema.$id]) existing.store.addSchema(schema);
      return existing.compile;
    }
    let store: SchemaStore | undefined;
    const customOptions = kind === 'exact' ? { ...options.customOptions, coerceTypes: false } : options.customOptions;
    const compile = factory(externalSchemas as never, { ...options, customOptions, onCreate: (ajv: SchemaStore) => (store = ajv) } as never) as CompileValidator;
    shared.set(kind, { compile, store: store! });
    return compile;
  };
  const build = (externalSchemas: Record<string, { $id?: string }>, options: ValidatorOptions) => (route: { httpPart?: string }) =>
    compilerFor(route.httpPart === 'body' ? 'exact' : 'coercing', externalSchemas, options)(route);
  return build as unknown as ReturnType<typeof AjvCompiler>;
}

/**
 * Response serializers compiled on a route's first answer, not at start-up: building fast-json-stringify
 * code for every route and status took most of the start (12 s of a 20 s restart on a busy machine),
 * while a process answers few of them in its first minutes.
 */
function lazySerializers() {
  const factory = SerializerSelector();
  type Compile = (route: unknown) => (data: unknown) => string;
  const build = (externalSchemas: unknown, options: unknown) => {
    const compile = (factory as unknown as (schemas: unknown, options: unknown) => Compile)(externalSchemas, options);
    return (route: unknown) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => (serialize ??= compile(route))(data);
    };
  };
  return build as unknown as ReturnType<typeof SerializerSelector>;
}

/** The one factory used by main.ts, the CLI and the tests; it owns the services it is given. */
export async function buildApp(config: Readonly<Config>, services: AppServices): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, services.logStream),
    // One line per request, written by the onResponse hook below with the fields AgID asks for.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
    ...requestIdOptions(),
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false },
      plugins: [acceptNumberFormats],
    },
    schemaController: { compilersFactory: { buildValidator: coercingOnlyOutsideBodies(), buildSerializer: lazySerializers() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are JSON, or CSV files for the import routes (each sets its own size limit); anything else is 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.decorate('config', config);
  app.decorate('db', services.db);
  app.decorate('queue', services.queue);
  const mailer = services.mailer ?? createMailer(config, services.db);
  app.decorate('mailer', mailer);
  const search = services.search ?? createSearchEngine(config, services.db);
  app.decorate('searchEngine', search);
  const indexer = searchWorker(app);
  const matcher = matchingWorker(app);
  const alerter = alertsWorker(app);
  app.addHook('onClose', async () => {
    await Promise.all([indexer.stop(), matcher.stop(), alerter.stop()]);
    await search.close();
    await mailer.close();
    await services.queue?.stop();
    await services.db.destroy();
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: redactedUrl(request.url),
        statusCode: reply.statusCode,
        ip: request.ip,
        userId: request.principal?.userId ?? null,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  await app.register(errorHandlerPlugin);
  await app.register(securityPlugin);
  await app.register(compressionPlugin);
  await app.register(openApiPlugin);
  await app.register(authPlugin);
  // After the access check (its preValidation hook runs first), before any route sees a string.
  await app.register(controlCharactersPlugin);
  for (const schema of [...authSharedSchemas, ...usersSharedSchemas, ...comuniSharedSchemas, ...programmingSharedSchemas, ...aggregationsSharedSchemas, ...callsSharedSchemas, ...ingestSharedSchemas, ...alertsSharedSchemas, ...webhookSchemas]) app.addSchema(schema);
  registerProfileCache(app);
  registerOpportunitiesCache(app);
  registerSearchCache(app);
  await app.register(systemRoutes, { prefix: '/api/v1' });
  await app.register(authRoutes, { prefix: '/api/v1' });
  await app.register(usersRoutes, { prefix: '/api/v1' });
  await app.register(oidcRoutes, { prefix: '/api/v1' });
  await app.register(comuniRoutes, { prefix: '/api/v1' });
  await app.register(profileRoutes, { prefix: '/api/v1' });
  await app.register(programmingRoutes, { prefix: '/api/v1' });
  await app.register(aggregationsRoutes, { prefix: '/api/v1' });
  await app.register(callsRoutes, { prefix: '/api/v1' });
  await app.register(editorialRoutes, { prefix: '/api/v1' });
  await app.register(ingestRoutes, { prefix: '/api/v1' });
  await app.register(themeRulesRoutes, { prefix: '/api/v1' });
  await app.register(searchRoutes, { prefix: '/api/v1' });
  await app.register(matchingRoutes, { prefix: '/api/v1' });
  await app.register(publicOpportunitiesRoutes, { prefix: '/api/v1' });
  await app.register(coverageRoutes, { prefix: '/api/v1' });
  await app.register(myOpportunitiesRoutes, { prefix: '/api/v1' });
  await app.register(importsRoutes, { prefix: '/api/v1' });
  await app.register(themesRoutes, { prefix: '/api/v1' });
  await app.register(alertsRoutes, { prefix: '/api/v1' });
  await app.register(unsubscribeRoutes, { prefix: '/api/v1' });
  await app.register(deliveriesRoutes, { prefix: '/api/v1' });
  await app.register(personalAlertsRoutes, { prefix: '/api/v1' });
  await app.register(feedsRoutes, { prefix: '/api/v1' });
  await app.register(comuneWebhooksRoutes, { prefix: '/api/v1' });
  await app.register(aggregationWebhooksRoutes, { prefix: '/api/v1' });
  await app.register(spaPlugin);

  if (config.runWorkers) {
    app.addHook('onReady', async () => {
      await startSystemJobs(app);
      await startAuthJobs(app);
      await startCallsJobs(app);
      await startIngestJobs(app);
      indexer.start();
      matcher.start();
      alerter.start();
    });
  }
  return app;
}
