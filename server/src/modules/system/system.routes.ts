import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { unavailable } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { pendingMigrations } from '../../plugins/db/migrator.ts';
import { version } from '../../version.ts';
import { HEARTBEAT_SECONDS } from './system.jobs.ts';
import { countLiveWorkers, pingDatabase } from './system.queries.ts';
import { ReadinessSchema, StatusSchema, type Readiness } from './system.schemas.ts';

const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/status',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        operationId: 'getStatus',
        summary: 'Stato del servizio (liveness)',
        response: { 200: StatusSchema },
      },
    },
    async () => ({ status: 'ok' as const, version, time: new Date().toISOString() }),
  );

  app.get(
    '/ready',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        operationId: 'getReadiness',
        summary: 'Prontezza del servizio: database raggiungibile e migrazioni aggiornate',
        response: { 200: ReadinessSchema, ...problemResponses({ 503: 'Servizio non pronto' }) },
      },
    },
    async () => {
      const failures: string[] = [];
      const checks: Readiness['checks'] = {
        database: { status: 'ok', detail: 'raggiungibile' },
        migrations: { status: 'ok', detail: 'aggiornate' },
        workers: { status: 'ok', detail: '' },
      };
      try {
        await pingDatabase(app.db);
        const pending = await pendingMigrations(app.db);
        if (pending.length > 0) {
          checks.migrations = { status: 'failing', detail: `${pending.length} migrazioni da applicare` };
          failures.push('migrazioni da applicare');
        }
        const workers = await countLiveWorkers(app.db, HEARTBEAT_SECONDS * 3);
        checks.workers.detail = `${workers} processi attivi per i job`;
      } catch (err) {
        app.log.error({ err }, 'readiness check failed');
        failures.push('database non raggiungibile');
      }
      if (failures.length > 0) {
        throw unavailable('NOT_READY', `Servizio non pronto: ${failures.join(', ')}.`, 5);
      }
      return { status: 'ready' as const, checks };
    },
  );
};

export default systemRoutes;
