import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CallDocument } from './engine.ts';
import { matches, needsATerm, parseTsVector, rank, type Lexemes, type Term, type TsQuery } from './tsquery.ts';
import type { Candidate } from './catalogue-search.ts';
import { IndexedCall } from './indexed-call.ts';
import { sharedRead } from './shared-read.ts';

/** How many statements of changes the database keeps (migration 1600): a process further behind reloads all. */
const KEPT_CHANGES = 10_000;
/** Wordings whose matching calls are kept until the mirror changes: people search the same words again and again. */
const KEPT_MATCHES = 500;

/**
 * The PostgreSQL engine's index, mirrored in each process: every call's document and its lexemes, with
 * a lexeme → calls map to find candidates. Each search first reads the index's version (one row, read
 * once for the searches arriving together: `sharedRead`), and applies the changes the database logged
 * since (migration 1600), so a call indexed by any process is found by the next search of every process.
 */
export class SearchCatalogue {
  private readonly calls = new Map<string, IndexedCall>();
  private readonly postings = new Map<string, Set<IndexedCall>>();
  /** The calls each recent query matched, with their rank: they depend on the index alone, not on the clock or the filters. */
  private readonly matched = new Map<TsQuery, readonly Candidate[]>();
  private version: number | null = null;
  private syncing: Promise<void> | null = null;
  private readonly versionReads = new WeakMap<Db, () => Promise<number>>();

  /** Brings the mirror to the database's current version. */
  async sync(db: Db): Promise<void> {
    let readVersion = this.versionReads.get(db);
    if (!readVersion) {
      readVersion = sharedRead(async () => {
        const { rows } = await sql<{ version: string }>`select version from search_index_state`.execute(db);
        return Number(rows[0]?.version ?? 0);
      });
      this.versionReads.set(db, readVersion);
    }
    const current = await readVersion();
    // A replica behind the primary reads an older version: the mirror never goes back.
    const behind = () => this.version === null || current > this.version;
    if (!behind()) return;
    // One sync at a time; a search arriving meanwhile waits for it, then checks again.
    while (this.syncing) await this.syncing;
    if (!behind()) return;
    this.syncing = this.apply(db, current).finally(() => (this.syncing = null));
    await this.syncing;
  }

  private async apply(db: Db, current: number) {
    if (this.version === null || current - this.version >= KEPT_CHANGES) {
      const { rows } = await sql<{ document: CallDocument; tsv: string }>`select document, tsv::text as tsv from search_documents`.execute(db);
      this.calls.clear();
      this.postings.clear();
      for (const row of rows) this.put(row.document, parseTsVector(row.tsv));
      this.version = current;
      return;
    }
    const { rows: changed } = await sql<{ call_id: string }>`
      select distinct call_id from search_index_changes where version > ${this.version} and version <= ${current}`.execute(db);
    const ids = changed.map((row) => row.call_id);
    const { rows } =
      ids.length === 0
        ? { rows: [] }
        : await sql<{ document: CallDocument; tsv: string }>`
            select document, tsv::text as tsv from search_documents where call_id = any(${ids}::uuid[])`.execute(db);
    for (const id of ids) this.remove(id);
    for (const row of rows) this.put(row.document, parseTsVector(row.tsv));
    this.version = current;
  }

  private put(doc: CallDocument, lexemes: Lexemes) {
    this.remove(doc.id);
    this.matched.clear();
    const call = new IndexedCall(doc, lexemes);
    this.calls.set(doc.id, call);
    for (const lexeme of lexemes.keys()) {
      let calls = this.postings.get(lexeme);
      if (!calls) this.postings.set(lexeme, (calls = new Set()));
      calls.add(call);
    }
  }

  private remove(id: string) {
    const call = this.calls.get(id);
    if (!call) return;
    this.matched.clear();
    this.calls.delete(id);
    for (const lexeme of call.lexemes.keys()) {
      const calls = this.postings.get(lexeme);
      calls?.delete(call);
      if (calls?.size === 0) this.postings.delete(lexeme);
    }
  }

  /** Every call, unranked: a search without words. */
  *all(): Iterable<Candidate> {
    for (const call of this.calls.values()) yield { call, rank: 0 };
  }

  /** The calls matching the query, with ts_rank's weights over its terms (`positiveTerms`). */
  matching(query: TsQuery, terms: readonly Term[]): readonly Candidate[] {
    let found = this.matched.get(query);
    if (found) return found;
    const list: Candidate[] = [];
    for (const call of this.lookUp(query, terms)) if (matches(query, call.lexemes)) list.push({ call, rank: rank(terms, call.lexemes) });
    if (this.matched.size >= KEPT_MATCHES) this.matched.delete(this.matched.keys().next().value!);
    this.matched.set(query, (found = list));
    return found;
  }

  /** Calls by id with a rank computed elsewhere (trigram similarity); ids the mirror does not hold are skipped. */
  *byId(ranked: { id: string; rank: number }[]): Iterable<Candidate> {
    for (const { id, rank } of ranked) {
      const call = this.calls.get(id);
      if (call) yield { call, rank };
    }
  }

  private lookUp(query: TsQuery, terms: readonly Term[]): Iterable<IndexedCall> {
    if (!needsATerm(query)) return this.calls.values();
    const found = new Set<IndexedCall>();
    for (const term of terms) {
      if (term.prefix) {
        for (const [lexeme, calls] of this.postings) if (lexeme.startsWith(term.lexeme)) calls.forEach((call) => found.add(call));
      } else this.postings.get(term.lexeme)?.forEach((call) => found.add(call));
    }
    return found;
  }
}
