import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { foldAccents } from '../../shared/fold.ts';

export interface ThemeRule {
  kind: 'measure' | 'keyword';
  pattern: string;
  theme_code: string;
}

export const loadThemeRules = (db: Kysely<Database>): Promise<ThemeRule[]> => db.selectFrom('theme_rules').select(['kind', 'pattern', 'theme_code']).execute();

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Themes a call probably belongs to, from its measure code and the words of its title and summary. */
export function suggestThemes(rules: ThemeRule[], measureCode: string | null, text: string): string[] {
  const words = foldAccents(text);
  const found = rules.filter((rule) =>
    rule.kind === 'measure'
      ? measureCode !== null && (measureCode === rule.pattern || measureCode.startsWith(`${rule.pattern}.`))
      : new RegExp(`(^|[^a-z0-9])${escape(foldAccents(rule.pattern))}([^a-z0-9]|$)`).test(words),
  );
  return [...new Set(found.map((rule) => rule.theme_code))].sort();
}
