import { clockAt } from '../shared/clock.ts';
import { sql } from 'kysely';
import { DEMO_LOGINS, seedDemo } from '../../../seeds/demo.ts';
import { seedAvvisiPnrr } from '../../../seeds/avvisi-pnrr.ts';
import { seedDemoCalls } from '../../../seeds/demo-calls.ts';
import { migrateDown, migrateUp, migrationStatus } from '../plugins/db/migrator.ts';
import { writeFlatOpenApiDocument, writeOpenApiDocument } from '../openapi-document.ts';
import { UsageError, type CommandContext } from './context.ts';
import { runUsersCommand } from './users.command.ts';
import { applyRetention } from '../modules/auth/index.ts';
import { importComuni } from '../modules/comuni/index.ts';
import type { ImportReport } from '../shared/import-report.ts';
import { importFundingHistory } from '../modules/comuni/index.ts';
import { importIpa } from '../modules/comuni/index.ts';
import { readFile } from 'node:fs/promises';
import { createSearchEngine } from '../plugins/search/index.ts';
import { reindexAll } from '../modules/search/index.ts';
import { rematchAll } from '../modules/matching/index.ts';
import { CONNECTORS, SOURCE_KINDS } from '../modules/ingest/index.ts';
import { reprocessItems, runIngest, type RunReport } from '../modules/ingest/index.ts';
import { addDefaultSources, type DefaultSourcesReport } from '../modules/ingest/index.ts';
import { basename } from 'node:path';
import type { Db } from '../plugins/db/database.ts';
import { alertOptions, drainAlertEvents, drainDeliveries, runTimedAlerts } from '../modules/alerts/index.ts';
import { propagateFundingImports } from '../modules/applications/index.ts';
import { createMailer } from '../plugins/mail.ts';
import { runEvaluationCommand } from './evaluation/evaluation.command.ts';
import { printEvaluation } from './evaluation/evaluation.print.ts';
import type { EvaluationReport } from './evaluation/evaluation.ts';
import { runTrainingCommand } from './training/training.command.ts';

export type Report = Record<string, unknown>;

export interface Command {
  usage: string;
  run(ctx: CommandContext): Promise<Report>;
  /** Human-readable rendering; JSON is printed with --json. */
  print?(report: Report): string;
}

function subcommand<T extends string>(ctx: CommandContext, allowed: readonly T[]): T {
  const sub = ctx.args[0];
  if (!sub || !(allowed as readonly string[]).includes(sub)) throw new UsageError(`expected one of: ${allowed.join(', ')}`);
  return sub as T;
}

export const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'migrate up|down|status [--json]',
    async run(ctx) {
      const sub = subcommand(ctx, ['up', 'down', 'status']);
      return ctx.withDb(async (db) => {
        if (sub === 'up') return { applied: await migrateUp(db) };
        if (sub === 'down') return { reverted: await migrateDown(db) };
        const migrations = await migrationStatus(db);
        return { migrations, pending: migrations.filter((m) => m.executedAt === null).length };
      });
    },
    print(report) {
      if (Array.isArray(report.applied)) return report.applied.length ? `applied: ${report.applied.join(', ')}` : 'database is up to date';
      if (Array.isArray(report.reverted)) return report.reverted.length ? `reverted: ${report.reverted.join(', ')}` : 'nothing to revert';
      const rows = report.migrations as { name: string; executedAt: Date | null }[];
      return rows.map((m) => `${m.executedAt ? 'applied ' : 'pending '} ${m.name}`).join('\n') + `\n${String(report.pending)} pending`;
    },
  },
  seed: {
    usage: 'seed demo [--refresh] | seed avvisi-pnrr [--json]',
    async run(ctx) {
      if (subcommand(ctx, ['demo', 'avvisi-pnrr'] as const) === 'avvisi-pnrr') {
        const report = await ctx.withDb((db) => seedAvvisiPnrr(db, new Date(), ctx.config.deadlineSoonDays));
        if (report.failed > 0) throw new Error(`curated avvisi that do not validate: ${JSON.stringify(report.failures)}`);
        return { ...report };
      }
      const refresh = ctx.flags.refresh === true;
      const { report, calls } = await ctx.withDb(async (db) => ({
        report: await seedDemo(db),
        calls: await seedDemoCalls(db, new Date(), ctx.config.deadlineSoonDays, { refresh }),
      }));
      if (calls && calls.failed > 0) throw new Error(`demo calls that do not validate: ${JSON.stringify(calls.failures)}`);
      return {
        ...report,
        calls: calls
          ? { created: calls.created, updated: calls.updated, unchanged: calls.unchanged }
          : 'already loaded (use --refresh to move their dates to today)',
        logins: DEMO_LOGINS.map(({ email, role }) => ({ email, role })),
      };
    },
  },
  users: {
    usage:
      'users create|invite --email E --name N --role R [--password P] [--comune ISTAT]... [--aggregation ID]... | users grant|revoke --email E (--comune ISTAT | --aggregation ID) [--json]',
    run: runUsersCommand,
  },
  retention: {
    usage: 'retention run [--json]',
    async run(ctx) {
      subcommand(ctx, ['run']);
      return { ...(await ctx.withDb((db) => applyRetention(db, { inactiveUserDays: ctx.config.inactiveUserRetentionDays }))) };
    },
  },
  import: {
    usage: 'import comuni|ipa|funding-history <file> [--json]',
    async run(ctx) {
      const kind = subcommand(ctx, ['comuni', 'ipa', 'funding-history'] as const);
      const file = ctx.args[1];
      if (!file) throw new UsageError('the file to import is required');
      const bytes = await readFile(file);
      // As the app's own import does: the comuni's applications move forward with the funding history.
      propagateFundingImports(alertOptions(ctx.config), () => new Date());
      const importers = {
        comuni: importComuni,
        ipa: importIpa,
        'funding-history': (db: Db, b: Uint8Array) => importFundingHistory(db, b, { fileName: basename(file) }),
      };
      return { ...(await ctx.withDb((db) => importers[kind](db, bytes))) };
    },
    print: (report) => {
      const r = report as unknown as ImportReport;
      const rejected = r.rejected.slice(0, 20).map((x) => `  riga ${x.line}: ${x.reason}`);
      return [
        `${r.format} (${r.encoding}): ${r.read} righe lette, ${r.created} creati, ${r.updated} aggiornati, ${r.unchanged} invariati, ${r.superseded ? `${r.superseded} sostituiti da rilevazioni più recenti, ` : ''}${r.rejected.length} scartati`,
        ...rejected,
        r.created + r.updated === 0 ? 'nessuna modifica' : '',
      ]
        .filter(Boolean)
        .join('\n');
    },
  },
  ingest: {
    usage: `ingest ${SOURCE_KINDS.join('|')} <file-or-url> [--trusted] [--json] | ingest reprocess <kind> [--json]`,
    async run(ctx) {
      const [first, second] = ctx.args;
      const reprocess = first === 'reprocess';
      const kind = reprocess ? second : first;
      const connector = kind ? CONNECTORS[kind] : undefined;
      if (!connector) throw new UsageError(`expected one of: ${SOURCE_KINDS.join(', ')}`);
      const location = reprocess ? '' : ctx.args[1];
      if (!reprocess && !location) throw new UsageError('the file or URL to ingest is required');
      const clock = clockAt(ctx.config.deadlineSoonDays);
      const trusted = ctx.flags.trusted === true;
      // The one place a local file is read: the operator named it. A URL goes through the outbound guard.
      const payload = reprocess || /^https?:\/\//i.test(location!) ? undefined : await readFile(location!);
      const job = { connector, location: location!, payload, trusted, limits: ctx.config };
      const report = await ctx.withDb((db) => (reprocess ? reprocessItems(db, clock, connector, trusted) : runIngest(db, clock, job)));
      if (report.status === 'failed') throw new Error(report.error ?? 'ingestion failed');
      return { ...report };
    },
    print: (report) => {
      const r = report as unknown as RunReport;
      const failures = r.failures.slice(0, 20).map((f) => `  ${f.externalId}: ${f.reason}`);
      return [
        `${r.kind} ${r.location}: ${r.seen} voci, ${r.created} creati, ${r.updated} aggiornati, ${r.unchanged} invariati, ${r.failed} non importati`,
        ...failures,
      ].join('\n');
    },
  },
  sources: {
    usage: 'sources add-defaults [--json]',
    async run(ctx) {
      subcommand(ctx, ['add-defaults'] as const);
      return { ...(await ctx.withDb((db) => addDefaultSources(db))) };
    },
    print: (report) => {
      const r = report as unknown as DefaultSourcesReport;
      return [...r.created.map((name) => `registrata: ${name}`), ...r.present.map((name) => `già presente: ${name}`)].join('\n');
    },
  },
  search: {
    usage: 'search reindex [--json]',
    async run(ctx) {
      subcommand(ctx, ['reindex'] as const);
      return ctx.withDb(async (db) => {
        const engine = createSearchEngine(ctx.config, db);
        try {
          await engine.prepare();
          return { engine: engine.name, ...(await reindexAll(db, engine)) };
        } finally {
          await engine.close();
        }
      });
    },
    print: (report) => `${String(report.engine)}: ${String(report.documents)} bandi indicizzati in ${String(report.seconds)} s`,
  },
  match: {
    usage: 'match rematch [--json]',
    async run(ctx) {
      subcommand(ctx, ['rematch'] as const);
      const started = performance.now();
      const report = await ctx.withDb(async (db) => {
        const result = await rematchAll(db, clockAt(ctx.config.deadlineSoonDays));
        // Fresh statistics after rewriting most of the table, for the planner's sake.
        await sql`analyze matches`.execute(db);
        return result;
      });
      return { ...report, seconds: Math.round((performance.now() - started) / 10) / 100 };
    },
    print: (report) => `${String(report.calls)} bandi, ${String(report.matches)} abbinamenti in ${String(report.seconds)} s`,
  },
  alerts: {
    usage: 'alerts run [--json] [--lanes N]',
    async run(ctx) {
      subcommand(ctx, ['run'] as const);
      const lanes = Number(ctx.flags.lanes ?? 4);
      if (!Number.isInteger(lanes) || lanes < 1 || lanes > 32) throw new UsageError('--lanes must be an integer between 1 and 32');
      return ctx.withDb(async (db) => {
        const mailer = createMailer(ctx.config, db);
        const engine = createSearchEngine(ctx.config, db);
        const run = {
          db,
          engine,
          channels: { mailer, webhooksAllowPrivateNetworks: ctx.config.outboundAllowPrivateNetworks },
          options: alertOptions(ctx.config),
        };
        try {
          const events = await drainAlertEvents(run);
          const timed = await runTimedAlerts(run);
          return { ...events, ...timed, ...(await drainDeliveries(run, lanes)) };
        } finally {
          await mailer.close();
          await engine.close();
        }
      });
    },
    print: (r) =>
      [
        `${String(r.events)} eventi: ${String(r.notifications)} notifiche, ${String(r.emails)} e-mail e ${String(r.webhooks)} webhook in coda`,
        `${String(r.reminders)} promemoria di scadenza, ${String(r.openings)} aperture, ${String(r.savedSearchNotifications)} avvisi da ricerche salvate, ${String(r.digests)} riepiloghi`,
        `${String(r.sent)} messaggi inviati, ${String(r.failed)} non riusciti (ritentati più tardi)`,
      ].join('\n'),
  },
  eval: {
    usage: 'eval matching --comuni <istat csv> --history <candidature csv> --truth <candidature csv> [--region 03] [--model <json>] [--json]',
    run: async (ctx) => ({ ...(await runEvaluationCommand(ctx)) }),
    print: (report) => printEvaluation(report as unknown as EvaluationReport),
  },
  train: {
    usage: 'train matching --history <candidature csv> [--comuni <istat csv>] [--out <json>] [--json]',
    run: async (ctx) => ({ ...(await runTrainingCommand(ctx)) }),
    print: (report) => {
      const cv = report.crossValidation as { recallAt3: number; meanAveragePrecision: number; seconds: number };
      const on = report.trainedOn as { examples: number; applied: number; comuni: number };
      return `${String(report.file)}: ${on.examples} candidature possibili di ${on.comuni} comuni (${on.applied} presentate); validazione incrociata per comune: recall@3 ${(cv.recallAt3 * 100).toFixed(1)}%, MAP ${(cv.meanAveragePrecision * 100).toFixed(1)}%, in ${cv.seconds} s`;
    },
  },
  openapi: {
    usage: 'openapi write | openapi flat <file>',
    async run(ctx) {
      if (subcommand(ctx, ['write', 'flat']) === 'write') return writeOpenApiDocument();
      const file = ctx.args[1];
      if (!file) throw new UsageError('openapi flat needs the file to write');
      return writeFlatOpenApiDocument(file);
    },
    print: (report) => `${String(report.file)} ${report.changed ? 'updated' : 'already up to date'}`,
  },
};
