import { callStatusAt, nextDeadlineAt, statusChangedAt, statusChangesAt, type CallStatus } from '../../shared/call-status.ts';
import { AMOUNT_BUCKETS, type CallDocument } from './engine.ts';
import type { Lexemes } from './tsquery.ts';

/**
 * Facet values as small integers, shared by every call of the process: a search counts a facet in an
 * array of numbers instead of a map of strings. Bounded by the catalogue's vocabulary (themes,
 * provinces, programmes...), a few hundred values.
 */
export const facetNames: string[] = [];
const facetCodes = new Map<string, number>();
export function facetCode(value: string): number {
  let code = facetCodes.get(value);
  if (code === undefined) {
    code = facetNames.push(value) - 1;
    facetCodes.set(value, code);
  }
  return code;
}
const codesOf = (values: readonly string[]) => values.map(facetCode);

/**
 * A call as the in-memory search reads it: the fields every query filters, counts and sorts by, copied
 * out of the document once (every instance has the same shape, which keeps the per-query loops fast),
 * and its status and next deadline, kept until the clock reaches their next change.
 */
export class IndexedCall {
  readonly id: string;
  readonly editorialStatus: string;
  readonly programme: string;
  readonly measureCode: string | null;
  readonly themes: readonly string[];
  readonly sources: readonly string[];
  readonly bodyTypes: readonly string[];
  readonly regions: readonly string[];
  readonly provinces: readonly string[];
  readonly amountMax: number | null;
  readonly amountBucket: string | null;
  readonly publishedAt: number | null;
  /** The facet values as `facetCode`s; -1 for none. */
  readonly codes: { programme: number; amount: number; themes: number[]; sources: number[]; bodyTypes: number[]; regions: number[]; provinces: number[] };
  private status: CallStatus = 'chiuso';
  private deadline: number | null = null;
  /**
   * The status and deadline hold for `now` in [validFrom, validUntil), for `soonDays`: the whole span
   * between two changes, so that concurrent searches, whose clocks were read in another order than they
   * run, still find them.
   */
  private validFrom = Number.POSITIVE_INFINITY;
  private validUntil = Number.NEGATIVE_INFINITY;
  private soonDays = -1;

  constructor(
    readonly doc: CallDocument,
    readonly lexemes: Lexemes,
  ) {
    this.id = doc.id;
    this.editorialStatus = doc.editorialStatus;
    this.programme = doc.programme;
    this.measureCode = doc.measureCode;
    this.themes = doc.themes;
    this.sources = doc.sources;
    this.bodyTypes = doc.bodyTypes;
    this.regions = doc.regions;
    this.provinces = doc.provinces;
    this.amountMax = doc.amountMax;
    this.amountBucket = amountBucket(doc.amountMax);
    this.publishedAt = doc.publishedAt;
    this.codes = {
      programme: facetCode(doc.programme),
      amount: this.amountBucket === null ? -1 : facetCode(this.amountBucket),
      themes: codesOf(doc.themes),
      sources: codesOf(doc.sources),
      bodyTypes: codesOf(doc.bodyTypes),
      regions: codesOf(doc.regions),
      provinces: codesOf(doc.provinces),
    };
  }

  statusAt(now: number, soonDays: number): CallStatus {
    this.refresh(now, soonDays);
    return this.status;
  }

  deadlineAt(now: number, soonDays: number): number | null {
    this.refresh(now, soonDays);
    return this.deadline;
  }

  private refresh(now: number, soonDays: number) {
    if (now >= this.validFrom && now < this.validUntil && soonDays === this.soonDays) return;
    const windows = this.doc.windows;
    this.status = callStatusAt({ remainingBudget: this.doc.remainingBudget, windows }, now, soonDays);
    this.deadline = nextDeadlineAt({ windows }, now);
    this.validFrom = statusChangedAt({ windows }, now, soonDays) ?? Number.NEGATIVE_INFINITY;
    this.validUntil = statusChangesAt({ windows }, now, soonDays) ?? Number.POSITIVE_INFINITY;
    this.soonDays = soonDays;
  }
}

function amountBucket(amount: number | null): string | null {
  if (amount === null) return null;
  return AMOUNT_BUCKETS.find(([, min, max]) => amount >= min && amount < max)?.[0] ?? null;
}
