import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';

/** The codes among these that are not in the themes vocabulary, in the order given. */
export async function unknownThemes(db: Kysely<Database>, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const known = new Set(
    (
      await db
        .selectFrom('themes')
        .select('code')
        .where('code', 'in', [...codes])
        .execute()
    ).map((t) => t.code),
  );
  return codes.filter((code) => !known.has(code));
}

export const unknownThemeMessage = (code: string) => `Il tema «${code}» non esiste.`;
