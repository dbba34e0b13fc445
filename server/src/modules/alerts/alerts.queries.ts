import { sql, type Kysely, type Selectable } from 'kysely';
import type { AlertSubscriptionsTable, Database, EmailAlerts, NotificationsTable } from '../../plugins/db/schema.ts';
import { DEFAULT_SUBSCRIPTION, type SubscriptionInput } from './alerts.schemas.ts';

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
  let query = db.selectFrom('notifications as n').where('n.user_id', '=', userId);
  if (options.unreadOnly) query = query.where('n.read_at', 'is', null);
  const [rows, count, unread] = await Promise.all([
    query
      .leftJoin('comuni as c', 'c.istat', 'n.comune_istat')
      .selectAll('n')
      .select('c.name as comune')
      .orderBy('n.id', 'desc')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toNotification), total: count.n, unreadCount: unread.n };
}

/** Marks the given notifications of the user as read (all of them without ids); returns how many remain unread. */
export async function markRead(db: Kysely<Database>, userId: string, ids: number[] | undefined): Promise<number> {
  let update = db.updateTable('notifications').set({ read_at: sql<Date>`now()` }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids) update = update.where('id', 'in', ids.length > 0 ? ids : [-1]);
  await update.execute();
  const unread = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return unread.n;
}
