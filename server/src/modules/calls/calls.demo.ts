import { sql } from 'kysely';

/**
 * The source kind of the demo catalogue (`seeds/demo-calls.ts`): calls modelled on real ones but not
 * real, which every page labels "dimostrativo". Defined once, here; the seed and the readers import it.
 */
export const DEMO_SOURCE_KIND = 'demo';

/** Whether the call aliased `c` came from the demo catalogue (a merged call keeps its duplicates' sources). */
export const isDemoSql = sql<boolean>`exists (select 1 from call_sources ds where ds.call_id = c.id and ds.source_kind = ${DEMO_SOURCE_KIND})`;

export const isDemoCall = (sources: readonly { kind: string }[]) => sources.some((s) => s.kind === DEMO_SOURCE_KIND);
