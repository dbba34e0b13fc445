import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SavedSearchesTable } from '../../plugins/db/schema.ts';
import type { SearchEngine, SearchQuery } from '../../plugins/search/engine.ts';
import { callsView } from '../calls/index.ts';
import { SearchQuerySchema } from '../search/index.ts';
import { notifyUsers, type AlertOptions } from './alerts.dispatch.ts';
import { factsSentence } from './alerts.texts.ts';

/** The catalogue filters a saved search keeps: what the user typed and chose, not paging or facets. */
export const SavedSearchQuery = Type.Omit(SearchQuerySchema, ['editorialStatus', 'facets', 'sort', 'limit', 'offset'], {
  $id: 'SavedSearchQuery',
  additionalProperties: false,
});
export type SavedSearchQueryInput = Static<typeof SavedSearchQuery>;

export const SavedSearchInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, description: 'Nome della ricerca, unico per utente' }),
    query: Type.Ref('SavedSearchQuery'),
    notify: Type.Boolean({ default: true, description: 'Avvisami dei nuovi bandi che entrano in questa ricerca' }),
  },
  { $id: 'SavedSearchInput', additionalProperties: false },
);
export type SavedSearchInputValue = { name: string; query: SavedSearchQueryInput; notify: boolean };

export const SavedSearch = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    query: Type.Ref('SavedSearchQuery'),
    notify: Type.Boolean(),
    catalogueUrl: Type.String({ format: 'uri', description: 'La ricerca aperta nel catalogo' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SavedSearch' },
);

/** The catalogue page (`/cerca`) showing this search. */
export function catalogueUrl(publicBaseUrl: string, query: SavedSearchQueryInput): string {
  const url = new URL('/cerca', publicBaseUrl);
  for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) if (v !== undefined) url.searchParams.append(key, String(v));
  return url.toString();
}

export const toSavedSearch = (publicBaseUrl: string) => (row: Selectable<SavedSearchesTable>) => ({
  id: row.id,
  name: row.name,
  query: row.query as SavedSearchQueryInput,
  notify: row.notify,
  catalogueUrl: catalogueUrl(publicBaseUrl, row.query as SavedSearchQueryInput),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Newest published calls a saved search looks at on each run: new calls are the newest ones. */
const NEWEST = 50;

/**
 * Tells each user of the calls published since they saved a search that now enter it, once per call
 * and search (hits are remembered in the same transaction as the notification and e-mail).
 */
export async function processSavedSearches(
  db: Kysely<Database>,
  engine: SearchEngine,
  options: AlertOptions & { soonDays: number },
  now = new Date(),
): Promise<{ searches: number; notifications: number; emails: number }> {
  const searches = await db
    .selectFrom('saved_searches as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('alert_subscriptions as a', 'a.user_id', 'u.id')
    .select(['s.id', 's.user_id', 's.name', 's.query', 's.created_at', 'u.email', 'u.name as user_name'])
    .select((eb) => [eb.fn.coalesce('a.in_app', eb.val(true)).as('in_app'), eb.fn.coalesce('a.email', eb.val('weekly')).as('email_mode')])
    .where('s.notify', '=', true)
    .where('u.status', '=', 'active')
    .execute();
  const totals = { searches: searches.length, notifications: 0, emails: 0 };
  for (const search of searches) {
    const query: SearchQuery = {
      ...(search.query as SavedSearchQueryInput),
      editorialStatus: ['published'],
      facets: [],
      sort: '-published',
      limit: NEWEST,
      offset: 0,
      now,
      soonDays: options.soonDays,
    };
    const hits = (await engine.search(query)).items;
    if (hits.length === 0) continue;
    await db.transaction().execute(async (trx) => {
      const fresh = await trx
        .selectFrom(callsView.as('k'))
        .select(['k.id', 'k.title'])
        .where(
          'k.id',
          'in',
          hits.map((h) => h.id),
        )
        .where('k.editorial_status', '=', 'published')
        .where('k.published_at', '>', search.created_at)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom('saved_search_hits as h').select('h.call_id').where('h.saved_search_id', '=', search.id).whereRef('h.call_id', '=', 'k.id'),
            ),
          ),
        )
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('call_follows as f')
                .select('f.call_id')
                .where('f.user_id', '=', search.user_id)
                .where('f.mode', '=', 'mute')
                .whereRef('f.call_id', '=', 'k.id'),
            ),
          ),
        )
        .execute();
      if (fresh.length === 0) return;
      await trx
        .insertInto('saved_search_hits')
        .values(fresh.map((k) => ({ saved_search_id: search.id, call_id: k.id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      for (const call of fresh) {
        const hit = hits.find((h) => h.id === call.id)!;
        const recipient = {
          user_id: search.user_id,
          email: search.email,
          name: search.user_name,
          in_app: search.in_app,
          email_mode: search.email_mode,
          comune_istat: null,
          comune: null,
          verdict: null,
          score: null,
          amount_min: null,
          amount_max: null,
          title: call.title,
          next_deadline: hit.nextDeadline ? new Date(hit.nextDeadline) : null,
        };
        const sent = await notifyUsers(
          trx,
          options,
          {
            callId: call.id,
            kind: 'search',
            eventKey: `search:${search.id}`,
            text: { title: (f) => `Nuovo bando nella ricerca «${search.name}»: ${f.title}`, body: (f) => factsSentence(f) },
          },
          [recipient],
        );
        totals.notifications += sent.notifications;
        totals.emails += sent.emails;
      }
    });
  }
  return totals;
}
