import type { NeedsRow } from './needs.queries.ts';

/** A figure backed by fewer comuni than this is not shown: it could tell one comune's plans. */
export const MINIMUM_COMUNI = 3;

export interface NeedsCell {
  theme: string;
  themeLabel: string;
  province: string | null;
  sizeClass: string | null;
  /** Null when suppressed: fewer than MINIMUM_COMUNI comuni stand behind the cell. */
  comuni: number | null;
  items: number | null;
  unfundedCost: number | null;
  openCalls: number;
  estimatedAmount: number | null;
  suppressed: boolean;
}

/** A cell as it may be published: its counts and sums only when enough comuni share it. */
export function publishable(row: Omit<NeedsRow, 'province' | 'sizeClass'> & { province: string | null; sizeClass: string | null }): NeedsCell {
  const suppressed = row.comuni < MINIMUM_COMUNI;
  return {
    theme: row.theme,
    themeLabel: row.themeLabel,
    province: row.province,
    sizeClass: row.sizeClass,
    comuni: suppressed ? null : row.comuni,
    items: suppressed ? null : row.items,
    unfundedCost: suppressed ? null : row.unfundedCost,
    openCalls: row.callIds.length,
    estimatedAmount: suppressed ? null : row.estimatedAmount,
    suppressed,
  };
}

/**
 * The cells summed by theme over the chosen territory. A theme's total counts each comune once per
 * cell, and a comune sits in one province and one size class, so the sum is the theme's comuni; a
 * call that serves two cells is one call.
 */
export function byTheme(rows: readonly NeedsRow[]): NeedsRow[] {
  const themes = new Map<string, NeedsRow>();
  for (const row of rows) {
    const t = themes.get(row.theme);
    if (!t) themes.set(row.theme, { ...row, callIds: [...row.callIds], province: '', sizeClass: null });
    else {
      t.comuni += row.comuni;
      t.items += row.items;
      t.unfundedCost += row.unfundedCost;
      t.estimatedAmount += row.estimatedAmount;
      t.callIds = [...new Set([...t.callIds, ...row.callIds])];
    }
  }
  return [...themes.values()];
}

/**
 * Themes with unfunded cost and no open call at all, the largest unfunded cost first; themes too rare
 * to publish come last, so that their place in the ranking tells nothing about their cost.
 */
export function needsWithoutCall(themes: readonly NeedsRow[], themesWithCalls: readonly string[]): NeedsRow[] {
  const served = (theme: string) => themesWithCalls.some((t) => t === theme || t.startsWith(`${theme}.`) || theme.startsWith(`${t}.`));
  const rank = (t: NeedsRow) => (t.comuni < MINIMUM_COMUNI ? 0 : t.unfundedCost);
  return themes.filter((t) => t.unfundedCost > 0 && !served(t.theme)).sort((a, b) => rank(b) - rank(a) || a.theme.localeCompare(b.theme));
}
