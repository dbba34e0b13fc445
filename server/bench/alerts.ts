// Alert delivery figures: one call published that matches 10,000 subscribers with immediate e-mail,
// every message delivered to a local SMTP sink, duplicates counted by Message-ID.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { deliverQueued } from '../src/modules/alerts/alerts.delivery.ts';
import { processAlertEvents } from '../src/modules/alerts/alerts.service.ts';
import { processScheduledAlerts } from '../src/modules/alerts/alerts.schedule.ts';
import { processDigests } from '../src/modules/alerts/alerts.digest.ts';
import type { Connector } from '../src/modules/ingest/ingest.connector.ts';
import { runIngest } from '../src/modules/ingest/ingest.service.ts';
import { matchCall } from '../src/modules/matching/matching.service.ts';
import { createDb } from '../src/plugins/db/database.ts';
import { createSmtpMailer } from '../src/plugins/mail.ts';
import { benchCall } from './matching.ts';

const SUBSCRIBERS = 10_000;

/** A sink that only reads each message's Message-ID: parsing 10,000 messages is not what is measured. */
async function startSink() {
  const ids: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        ids.push(/^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? 'missing');
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, ids, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function alertsScenario(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, { max: 12 });
  const sink = await startSink();
  const mailer = createSmtpMailer(sink.url, 'Cruscotto <avvisi@cruscotto.example.it>');
  const options = { publicBaseUrl: 'https://cruscotto.example.it', secret: 'bench-secret-bench-secret-bench-secret-0000' };
  try {
    await sql`
      with created as (
        insert into users (email, name, role) select 'rtd' || i || '@alerts.bench.example.it', 'RTD ' || i, 'rtd' from generate_series(1, ${SUBSCRIBERS}) i returning id, email
      ), numbered as (select id, row_number() over (order by email) as n from created),
      lombard as (select istat, row_number() over (order by istat) - 1 as k, count(*) over () as total from comuni where region_code = '03' and valid_to is null),
      granted as (insert into memberships (user_id, comune_istat) select u.id, c.istat from numbered u join lombard c on c.k = u.n % c.total returning user_id)
      insert into alert_subscriptions (user_id, email) select user_id, 'immediate' from granted`.execute(db);
    const clock = { now: new Date(), soonDays: 14 };
    const call = { ...benchCall(2, clock.now), title: 'Bando di prova per gli avvisi: tutti i comuni lombardi' };
    const connector: Connector = {
      kind: 'bench:alerts',
      split: () => [{ externalId: 'ALERTS-1', raw: { call } }],
      map: (raw) => ({ input: raw.call as never, url: null }),
    };
    await runIngest(db, clock, { connector, location: 'bench', items: connector.split(new Uint8Array(), ''), trusted: true });
    const { id } = await db.selectFrom('calls').select('id').where('title', '=', call.title).executeTakeFirstOrThrow();
    await matchCall(db, id, clock);
    await db
      .updateTable('call_events')
      .set({ processed_at: sql<Date>`now()` })
      .where('call_id', '=', id)
      .execute();

    const started = performance.now();
    let queued = 0;
    for (let batch = await processAlertEvents(db, options); batch.events > 0; batch = await processAlertEvents(db, options)) queued += batch.emails;
    const queuedAfter = (performance.now() - started) / 1000;
    for (
      let round = await deliverQueued(db, { mailer, webhooksAllowPrivateNetworks: true }, 2000, 8);
      round.sent > 0;
      round = await deliverQueued(db, { mailer, webhooksAllowPrivateNetworks: true }, 2000, 8)
    );
    const seconds = (performance.now() - started) / 1000;
    const duplicates = sink.ids.length - new Set(sink.ids).size;
    console.log(
      `one call matching ${SUBSCRIBERS} immediate-e-mail subscribers: ${queued} e-mails queued in ${queuedAfter.toFixed(2)} s, ${sink.ids.length} delivered to the SMTP sink in ${seconds.toFixed(2)} s, ${duplicates} duplicates`,
    );

    // The same subscribers on the weekly digest: a reminder a week before closing, then the digests.
    await db.updateTable('alert_subscriptions').set({ email: 'weekly' }).execute();
    const closes = (await db.selectFrom('call_windows').select('closes_at').where('call_id', '=', id).executeTakeFirstOrThrow()).closes_at!;
    const reminderAt = new Date(closes.getTime() - 7 * 86_400_000 + 60_000);
    await db
      .insertInto('alert_cursors')
      .values({ name: 'schedule', until: new Date(reminderAt.getTime() - 120_000) })
      .onConflict((oc) => oc.column('name').doUpdateSet({ until: new Date(reminderAt.getTime() - 120_000) }))
      .execute();
    let mark = performance.now();
    const reminders = await processScheduledAlerts(db, options, reminderAt);
    console.log(`reminder 7 days before closing: ${reminders.notifications} notifications in ${((performance.now() - mark) / 1000).toFixed(2)} s`);
    mark = performance.now();
    const { digests } = await processDigests(db, options, new Date(Date.now() + 7 * 86_400_000));
    console.log(`weekly digests: ${digests} composed and queued in ${((performance.now() - mark) / 1000).toFixed(2)} s`);
  } finally {
    await mailer.close();
    await sink.close();
    await db.destroy();
  }
}
