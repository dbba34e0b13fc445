import Fastify, { LogController, type FastifyInstance } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './plugins/config.ts';
import type { Db } from './plugins/db/database.ts';
import { clientErrorHandler, errorHandlerPlugin, frameworkErrors } from './plugins/errors/error-handler.ts';
import { loggerOptions, redactedUrl, requestIdOptions } from './plugins/logging.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import type { JobQueue } from './plugins/queue.ts';
import type { Mailer } from './plugins/mail.ts';
import type { SearchEngine } from './plugins/search/engine.ts';
import { compressionPlugin } from './plugins/compression.ts';
import { securityPlugin } from './plugins/security.ts';
import { controlCharactersPlugin } from './plugins/control-characters.ts';
import { spaPlugin } from './plugins/spa.ts';
import { mergePatchPlugin } from './plugins/merge-patch.ts';
import { authPlugin } from './modules/auth/index.ts';
import { configPlugin, databasePlugin, queuePlugin, mailerPlugin, searchEnginePlugin, clockPlugin } from './plugins/services.ts';
import { schedulerPlugin } from './plugins/scheduler.ts';
import { FEATURES } from './features.ts';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

export interface AppServices {
  db: Db;
  /** A streaming replica for the public reads (DATABASE_READ_URL); without it they read `db`. */
  readDb?: Db;
  /** Absent in processes that neither enqueue nor work jobs (most HTTP tests). */
  queue?: JobQueue;
  /** Defaults to SMTP when SMTP_URL is set, else the outbox table. */
  mailer?: Mailer;
  /** Defaults to the engine the config chooses (Meilisearch or PostgreSQL). */
  search?: SearchEngine;
  /** Where logs go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
  /** `npm run worker`: the features' jobs and caches without routes, compiled for nothing in a process that never listens. */
  jobsOnly?: boolean;
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
    const compile = factory(
      externalSchemas as never,
      { ...options, customOptions, onCreate: (ajv: SchemaStore) => (store = ajv) } as never,
    ) as CompileValidator;
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
  await app.register(mergePatchPlugin);
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  await app.register(configPlugin, { config });
  await app.register(databasePlugin, { db: services.db, readDb: services.readDb });
  await app.register(queuePlugin, { queue: services.queue });
  await app.register(mailerPlugin, { mailer: services.mailer });
  await app.register(searchEnginePlugin, { search: services.search });
  await app.register(clockPlugin);
  await app.register(schedulerPlugin);
  app.addHook('onClose', async () => {
    await app.scheduler.stopAll();
    await app.searchEngine.close();
    await app.mailer.close();
    await services.queue?.stop();
    await services.db.destroy();
    await services.readDb?.destroy();
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
  for (const feature of FEATURES) await app.register(feature, { withRoutes: !services.jobsOnly });
  if (!services.jobsOnly) await app.register(spaPlugin);

  // Jobs start once every feature is ready, after the caches began listening.
  if (config.runWorkers) app.addHook('onReady', () => app.scheduler.startAll());
  return app;
}
