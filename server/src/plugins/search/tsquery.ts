/**
 * PostgreSQL's text search, evaluated in memory: a `tsquery` as PostgreSQL prints it (`'archiv' & !'carta'`,
 * `'open' <-> 'dat'`, `'cloud' | 'nuvol'`) matched and ranked against a document's `tsvector` as PostgreSQL
 * prints it (`'archiv':3A,15C 'comun':7B`). PostgreSQL still does the language work, stemming and unaccent,
 * once per query and once per indexed call; the per-search work runs here.
 */

/** Each position packs its place and its weight: `position * 4 + weight`, weight 3 = A … 0 = D. */
export type Lexemes = Map<string, number[]>;

export interface Term {
  kind: 'term';
  lexeme: string;
  prefix: boolean;
  /** Bit i set: only positions of weight i (0 = D … 3 = A); 0: any weight. */
  weights: number;
}

export type TsQuery =
  | Term
  | { kind: 'not'; operand: TsQuery }
  | { kind: 'and' | 'or'; left: TsQuery; right: TsQuery }
  | { kind: 'phrase'; distance: number; left: TsQuery; right: TsQuery };

const WEIGHT_INDEX: Record<string, number> = { D: 0, C: 1, B: 2, A: 3 };
/** ts_rank's default weights, D to A. */
const RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0];

/** Parses `tsvector::text`. */
export function parseTsVector(text: string): Lexemes {
  const lexemes: Lexemes = new Map();
  for (const match of text.matchAll(/'((?:[^']|'')*)'(?::([0-9A-D,]+))?/g)) {
    const positions = (match[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((p) => {
        const weight = /[A-D]$/.test(p) ? WEIGHT_INDEX[p.slice(-1)]! : 0;
        return Number.parseInt(p, 10) * 4 + weight;
      });
    lexemes.set(unquote(match[1]!), positions.length > 0 ? positions : [0]);
  }
  return lexemes;
}

const unquote = (s: string) => s.replace(/''/g, "'").replace(/\\(.)/g, '$1');

/** Parses `tsquery::text`; null for an empty query (only stop words). */
export function parseTsQuery(text: string): TsQuery | null {
  const tokens = [...text.matchAll(/'((?:[^']|'')*)'(?::(\*?)([A-D]*))?|<->|<(\d+)>|[&|!()]/g)];
  let at = 0;
  const peek = () => tokens[at]?.[0];
  function primary(): TsQuery {
    const token = tokens[at++];
    if (!token) throw new Error(`incomplete tsquery: ${text}`);
    if (token[0] === '!') return { kind: 'not', operand: primary() };
    if (token[0] === '(') {
      const inner = or();
      at++; // ')'
      return inner;
    }
    const weights = [...(token[3] ?? '')].reduce((mask, w) => mask | (1 << WEIGHT_INDEX[w]!), 0);
    return { kind: 'term', lexeme: unquote(token[1]!), prefix: token[2] === '*', weights };
  }
  function phrase(): TsQuery {
    let left = primary();
    while (peek() === '<->' || /^<\d+>$/.test(peek() ?? '')) {
      const token = tokens[at++]!;
      left = { kind: 'phrase', distance: token[4] ? Number(token[4]) : 1, left, right: primary() };
    }
    return left;
  }
  function and(): TsQuery {
    let left = phrase();
    while (peek() === '&') {
      at++;
      left = { kind: 'and', left, right: phrase() };
    }
    return left;
  }
  function or(): TsQuery {
    let left = and();
    while (peek() === '|') {
      at++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  return tokens.length === 0 ? null : or();
}

/** The terms a matching document may contain (not under a negation): where candidates are looked up. */
export function positiveTerms(query: TsQuery): Term[] {
  switch (query.kind) {
    case 'term':
      return [query];
    case 'not':
      return [];
    default:
      return [...positiveTerms(query.left), ...positiveTerms(query.right)];
  }
}

/** Whether every way to match the query needs one of its positive terms (else any document may match). */
export function needsATerm(query: TsQuery): boolean {
  switch (query.kind) {
    case 'term':
      return true;
    case 'not':
      return false;
    case 'or':
      return needsATerm(query.left) && needsATerm(query.right);
    default:
      return needsATerm(query.left) || needsATerm(query.right);
  }
}

function termPositions(term: Term, lexemes: Lexemes): number[] {
  let positions: number[] = [];
  if (term.prefix) {
    for (const [lexeme, found] of lexemes) if (lexeme.startsWith(term.lexeme)) positions = positions.concat(found);
  } else positions = lexemes.get(term.lexeme) ?? [];
  return term.weights === 0 ? positions : positions.filter((p) => term.weights & (1 << (p & 3)));
}

/** The positions (packed) where a phrase ends, or where a term occurs; null when a part cannot be placed. */
function placed(query: TsQuery, lexemes: Lexemes): number[] | null {
  if (query.kind === 'term') return termPositions(query, lexemes);
  if (query.kind === 'phrase') {
    const left = placed(query.left, lexemes);
    const right = placed(query.right, lexemes);
    if (!left || !right) return null;
    const starts = new Set(left.map((p) => p >> 2));
    return right.filter((p) => starts.has((p >> 2) - query.distance));
  }
  return null;
}

export function matches(query: TsQuery, lexemes: Lexemes): boolean {
  switch (query.kind) {
    case 'term':
      return termPositions(query, lexemes).length > 0;
    case 'not':
      return !matches(query.operand, lexemes);
    case 'and':
      return matches(query.left, lexemes) && matches(query.right, lexemes);
    case 'or':
      return matches(query.left, lexemes) || matches(query.right, lexemes);
    case 'phrase': {
      const ends = placed(query, lexemes);
      // A phrase over negations or alternatives: both sides present is the closest reading.
      return ends ? ends.length > 0 : matches(query.left, lexemes) && matches(query.right, lexemes);
    }
  }
}

/**
 * ts_rank's formula for alternatives (`calc_rank_or`), applied to every query: each query term adds its
 * positions' weights, the best in full and the others damped by their order, normalised by the number of
 * terms (`positiveTerms` of the query). Words in the title (A) outrank the measure and issuer (B), the summary (C) and the description (D).
 */
export function rank(terms: readonly Term[], lexemes: Lexemes): number {
  if (terms.length === 0) return 0;
  let total = 0;
  for (const term of terms) {
    const positions = termPositions(term, lexemes);
    if (positions.length === 0) continue;
    let sum = 0;
    let best = -1;
    let bestAt = 0;
    positions.forEach((p, j) => {
      const weight = RANK_WEIGHTS[p & 3]!;
      sum += weight / ((j + 1) * (j + 1));
      if (weight > best) {
        best = weight;
        bestAt = j;
      }
    });
    total += (best + sum - best / ((bestAt + 1) * (bestAt + 1))) / 1.64493406685;
  }
  return total / terms.length;
}
