import type { ComuneNeed, NeedsFilter, NeedsRow } from './needs.queries.ts';

const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

/** The comuni's needs summed by theme × province × size class, in that order (as PostgreSQL's C collation sorts). */
export function sumCells(byComune: ReadonlyMap<string, readonly ComuneNeed[]>, filter: NeedsFilter, labels: ReadonlyMap<string, string>): NeedsRow[] {
  const cells = new Map<string, NeedsRow & { calls: Set<string> }>();
  for (const needs of byComune.values()) {
    for (const need of needs) {
      if ((filter.province && need.province !== filter.province) || (filter.sizeClass && need.sizeClass !== filter.sizeClass)) continue;
      const key = `${need.theme}|${need.province}|${need.sizeClass}`;
      let cell = cells.get(key);
      if (!cell) {
        const { theme, province, sizeClass } = need;
        cell = {
          theme,
          themeLabel: labels.get(theme) ?? theme,
          province,
          sizeClass,
          comuni: 0,
          items: 0,
          unfundedCost: 0,
          callIds: [],
          estimatedAmount: 0,
          calls: new Set(),
        };
        cells.set(key, cell);
      }
      cell.comuni++;
      cell.items += need.items;
      cell.unfundedCost += need.cost;
      cell.estimatedAmount += need.amount;
      for (const id of need.callIds) cell.calls.add(id);
    }
  }
  return [...cells.values()]
    .map(({ calls, ...cell }) => ({ ...cell, callIds: [...calls].sort() }))
    .sort((a, b) => compare(a.theme, b.theme) || compare(a.province, b.province) || compare(a.sizeClass, b.sizeClass));
}
