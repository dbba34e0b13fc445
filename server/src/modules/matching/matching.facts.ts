import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { ComuneFacts } from './matching.profile-facts.ts';
import type { PlannedItem } from './matching.relevance.ts';

export interface ComuneContext {
  facts: ComuneFacts;
  items: PlannedItem[];
  interests: string[];
}

/** Every comune's profile, plan and funding history in five set-based queries (no loop over comuni). */
export async function loadComuneContexts(db: Kysely<Database>, asOf: Date, istats?: string[]): Promise<Map<string, ComuneContext>> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Kysely's overloaded `where` has no simpler common type
  const only = <Q extends { where: Function }>(query: Q, column: string): Q => (istats ? (query.where(column, 'in', istats) as Q) : query);
  const day = asOf.toISOString().slice(0, 10);
  const [comuni, memberships, awards, items, interests] = await Promise.all([
    only(
      db
        .selectFrom('comuni')
        .select([
          'istat',
          'name',
          'legal_population',
          'legal_population_date',
          'resident_population',
          'resident_population_date',
          'region_code',
          'province_sigla',
          'altitude_zone',
        ])
        .where('valid_to', 'is', null),
      'istat',
    ).execute(),
    only(
      db
        .selectFrom('aggregation_members as am')
        .innerJoin('aggregations as a', 'a.id', 'am.aggregation_id')
        .select(['am.comune_istat', 'a.id', 'a.name', 'a.kind'])
        .where('am.joined_on', '<=', day)
        .where((eb) => eb.or([eb('am.left_on', 'is', null), eb('am.left_on', '>', day)])),
      'am.comune_istat',
    ).execute(),
    only(
      db
        .selectFrom('funding_awards')
        .select(['comune_istat', 'measure_code', 'avviso', 'status', 'funded_on'])
        .where((eb) => eb.or([eb('funded_on', 'is', null), eb('funded_on', '<', day)])),
      'comune_istat',
    ).execute(),
    only(
      db
        .selectFrom('programming_items as p')
        .select(['p.id', 'p.comune_istat', 'p.title', 'p.priority', 'p.status', 'p.funding_status', 'p.estimated_cost'])
        .select(sql<string[]>`tsvector_to_array(to_tsvector('italian', immutable_unaccent(p.title || ' ' || coalesce(p.description, ''))))`.as('lexemes'))
        .select((eb) =>
          eb.fn
            .coalesce(
              eb.fn<string[]>('array', [eb.selectFrom('programming_item_themes as t').select('t.theme_code').whereRef('t.item_id', '=', 'p.id')]),
              eb.val<string[]>([]),
            )
            .as('themes'),
        ),
      'p.comune_istat',
    ).execute(),
    only(db.selectFrom('comune_interests').select(['comune_istat', 'theme_code']), 'comune_istat').execute(),
  ]);
  const contexts = new Map<string, ComuneContext>();
  for (const c of comuni) {
    contexts.set(c.istat, {
      facts: {
        istat: c.istat,
        name: c.name,
        legalPopulation: c.legal_population,
        legalPopulationDate: c.legal_population_date,
        residentPopulation: c.resident_population,
        residentPopulationDate: c.resident_population_date,
        regionCode: c.region_code,
        provinceSigla: c.province_sigla,
        altitudeZone: c.altitude_zone,
        aggregations: [],
        awards: [],
      },
      items: [],
      interests: [],
    });
  }
  for (const m of memberships) contexts.get(m.comune_istat)?.facts.aggregations.push({ id: m.id, name: m.name, kind: m.kind });
  for (const a of awards)
    contexts.get(a.comune_istat)?.facts.awards.push({ measureCode: a.measure_code, avviso: a.avviso, status: a.status, fundedOn: a.funded_on });
  for (const i of items)
    contexts.get(i.comune_istat)?.items.push({
      id: i.id,
      title: i.title,
      themes: i.themes,
      priority: i.priority,
      status: i.status,
      fundingStatus: i.funding_status,
      estimatedCost: i.estimated_cost,
      lexemes: i.lexemes,
    });
  for (const i of interests) contexts.get(i.comune_istat)?.interests.push(i.theme_code);
  return contexts;
}
