import { callStatusAt, nextDeadlineAt, statusChangesAt, type CallStatus } from '../../shared/call-status.ts';
import { SYNONYMS, type CallDocument } from './engine.ts';

const ITALIAN_STOP_WORDS = [
  'il',
  'lo',
  'la',
  'i',
  'gli',
  'le',
  'un',
  'uno',
  'una',
  'di',
  'a',
  'da',
  'in',
  'con',
  'su',
  'per',
  'tra',
  'fra',
  'e',
  'o',
  'del',
  'dello',
  'della',
  'dei',
  'degli',
  'delle',
  'al',
  'allo',
  'alla',
  'ai',
  'agli',
  'alle',
  'nel',
  'nello',
  'nella',
  'nei',
  'negli',
  'nelle',
  'sul',
  'sulla',
  'sui',
  'sulle',
  'che',
  'non',
  'è',
];

/**
 * What Meilisearch stores: the document, its status and next deadline worked out at index time (the
 * rule of shared/call-status.ts, as the PostgreSQL engine computes it at query time) and the moment
 * they next change, when the status-refresh job indexes the call again. Fields that sort are left out
 * when null, so such calls come last in both directions, as `nulls last` in PostgreSQL.
 */
export interface MeiliDocument extends Omit<CallDocument, 'publishedAt' | 'amountMax'> {
  publishedAt?: number;
  amountMax?: number;
  /** Every theme and its ancestors ("piattaforme", "piattaforme.spid-cie"): a theme filter is `=`, no STARTS WITH. */
  themePaths: string[];
  status: CallStatus;
  nextDeadline?: number;
  statusChangesAt: number;
}

export function toMeiliDocument(doc: CallDocument, now: number, soonDays: number): MeiliDocument {
  const { publishedAt, amountMax, ...rest } = doc;
  const deadline = nextDeadlineAt(doc, now);
  return {
    ...rest,
    ...(publishedAt === null ? {} : { publishedAt }),
    ...(amountMax === null ? {} : { amountMax }),
    themePaths: [...new Set(doc.themes.flatMap((theme) => theme.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))))],
    status: callStatusAt(doc, now, soonDays),
    ...(deadline === null ? {} : { nextDeadline: deadline }),
    statusChangesAt: statusChangesAt(doc, now, soonDays) ?? Number.MAX_SAFE_INTEGER,
  };
}

export const MEILI_SETTINGS = {
  searchableAttributes: ['title', 'programmeCode', 'measureCode', 'themeLabels', 'issuer', 'summary', 'description'],
  filterableAttributes: [
    'editorialStatus',
    'programme',
    'measureCode',
    'themes',
    'themePaths',
    'sources',
    'bodyTypes',
    'regions',
    'provinces',
    'amountMax',
    'status',
    'nextDeadline',
    'statusChangesAt',
  ],
  sortableAttributes: ['nextDeadline', 'publishedAt', 'amountMax'],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  stopWords: ITALIAN_STOP_WORDS,
  synonyms: Object.fromEntries(SYNONYMS.flatMap((group) => group.map((word) => [word, group.filter((w) => w !== word)]))),
  pagination: { maxTotalHits: 100_000 },
  faceting: { maxValuesPerFacet: 500 },
};
