import { sql, type Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import type { CallRow } from '../calls/index.ts';

/** The call's title, summary and description as Italian stems, by PostgreSQL's `italian` configuration. */
export async function callLexemes(db: Kysely<Database>, call: Pick<CallRow, 'title' | 'summary' | 'description'>): Promise<Set<string>> {
  const text = [call.title, call.summary ?? '', call.description ?? ''].join(' ');
  const { rows } = await sql<{ lexemes: string[] }>`select tsvector_to_array(to_tsvector('italian', immutable_unaccent(${text}))) as lexemes`.execute(db);
  return new Set(rows[0]?.lexemes ?? []);
}
