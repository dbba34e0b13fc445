import { sql, type Kysely, type Selectable } from 'kysely';
import type { AlertSubscriptionsTable, Database, EmailAlerts, NotificationsTable } from '../../plugins/db/schema.ts';
import { DEFAULT_SUBSCRIPTION, type SubscriptionInput } from './alerts.schemas.ts';
import { pageRows } from '../../plugins/db/page-rows.ts';

const toSubscription = (row: Selectable<AlertSubscriptionsTable>): SubscriptionInput => ({
  comuni: row.comuni ?? [],
  email: row.email,
  inApp: row.in_app,
  themes: row.themes,
  programmes: row.programmes as SubscriptionInput['programmes'],
  minScore: row.min_score,
  eligibleOnly: row.eligible_only,
  reminderDays: row.reminder_days,
});

export async function findSubscription(db: Kysely<Database>, userId: string): Promise<SubscriptionInput> {
  const row = await db.selectFrom('alert_subscriptions').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? toSubscription(row) : DEFAULT_SUBSCRIPTION;
}

export async function saveSubscription(db: Kysely<Database>, userId: string, input: SubscriptionInput): Promise<SubscriptionInput> {
  const values = {
    comuni: input.comuni.length > 0 ? input.comuni : null,
    email: input.email as EmailAlerts,
    in_app: input.inApp,
    themes: input.themes,
    programmes: input.programmes,
    min_score: input.minScore,
    eligible_only: input.eligibleOnly,
    reminder_days: [...input.reminderDays].sort((a, b) => b - a),
    updated_at: sql<Date>`now()`,
  };
  const row = await db
    .insertInto('alert_subscriptions')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}

async function unreadCount(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('shown', '=', true)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

const toNotification = (row: Selectable<NotificationsTable> & { comune: string | null }) => ({
  id: Number(row.id),
  callId: row.call_id,
  comune: row.comune,
  title: row.title,
  body: row.body,
  link: row.link,
  createdAt: row.created_at.toISOString(),
  read: row.read_at !== null,
});

export async function listNotifications(db: Kysely<Database>, userId: string, options: { unreadOnly: boolean; limit: number; offset: number }) {
  let query = db.selectFrom('notifications as n').where('n.user_id', '=', userId).where('n.shown', '=', true);
  if (options.unreadOnly) query = query.where('n.read_at', 'is', null);
  const [page, unread] = await Promise.all([
    pageRows(query, (q) => q.leftJoin('comuni as c', 'c.istat', 'n.comune_istat').selectAll('n').select('c.name as comune').orderBy('n.id', 'desc'), options),
    unreadCount(db, userId),
  ]);
  return { items: page.items.map(toNotification), total: page.total, unreadCount: unread };
}

/** Marks the given notifications of the user as read (all of them without ids); returns how many remain unread. */
export async function markRead(db: Kysely<Database>, userId: string, ids: number[] | undefined): Promise<number> {
  let update = db
    .updateTable('notifications')
    .set({ read_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids) update = update.where('id', 'in', ids.length > 0 ? ids : [-1]);
  await update.execute();
  return unreadCount(db, userId);
}

/** The delivery log, newest first: status, attempts and the last error of every message. */
export async function listDeliveries(
  db: Kysely<Database>,
  filter: { status?: 'queued' | 'sent' | 'dead' | undefined; channel?: 'email' | 'webhook' | undefined; webhookId?: string; limit: number; offset: number },
) {
  let query = db.selectFrom('alert_deliveries as d');
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.channel) query = query.where('d.channel', '=', filter.channel);
  if (filter.webhookId) query = query.where('d.webhook_id', '=', filter.webhookId);
  const { items: rows, total } = await pageRows(
    query,
    (q) =>
      q
        .select([
          'd.id',
          'd.channel',
          'd.kind',
          'd.webhook_id',
          'd.status',
          'd.attempts',
          'd.last_error',
          'd.created_at',
          'd.sent_at',
          'd.next_attempt_at',
          'd.call_id',
        ])
        .select(sql<string>`d.message ->> 'to'`.as('to'))
        .select(sql<string>`d.message ->> 'subject'`.as('subject'))
        .orderBy('d.id', 'desc'),
    filter,
  );
  return {
    total,
    items: rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      kind: r.kind,
      status: r.status,
      to: r.to,
      subject: r.subject,
      callId: r.call_id,
      webhookId: r.webhook_id,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at?.toISOString() ?? null,
      nextAttemptAt: r.status === 'queued' ? r.next_attempt_at.toISOString() : null,
    })),
  };
}

/** Without SMTP_URL messages are kept here instead of being sent: the admins' outbox. */
export async function listOutbox(db: Kysely<Database>, options: { limit: number; offset: number }) {
  const { items: rows, total } = await pageRows(db.selectFrom('mail_outbox'), (q) => q.selectAll().orderBy('created_at', 'desc').orderBy('id'), options);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      text: r.text_body,
      html: r.html_body,
      headers: r.headers as Record<string, string>,
      createdAt: r.created_at.toISOString(),
    })),
  };
}
