import type { CallInput } from './calls.schemas.ts';
import type { CallListRow, CallRow } from './calls.queries.ts';
import { isDemoCall } from './calls.demo.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** One shape for a call's editable content, whether it comes from a request or from the database. */
export function normalisedInput(input: CallInput): CallInput {
  return {
    title: input.title.trim(),
    summary: input.summary ?? null,
    description: input.description ?? null,
    issuer: input.issuer.trim(),
    programme: { kind: input.programme.kind, code: input.programme.code ?? null },
    themes: [...input.themes].sort(),
    eligibility: input.eligibility,
    money: {
      totalBudget: input.money.totalBudget ?? null,
      remainingBudget: input.money.remainingBudget ?? null,
      amount: input.money.amount ?? null,
      cofinancingShare: input.money.cofinancingShare ?? null,
    },
    procedure: input.procedure,
    publicationDate: input.publicationDate ?? null,
    windows: input.windows.map((w) => ({ label: w.label ?? null, opensAt: iso(w.opensAt)!, closesAt: iso(w.closesAt) })),
    links: input.links ?? [],
    contact: input.contact ?? null,
  };
}

/** The fields an editor writes, as the API shows them: what versions compare. */
export function inputOf(row: CallRow): CallInput {
  return normalisedInput({
    title: row.title,
    summary: row.summary,
    description: row.description,
    issuer: row.issuer,
    programme: { kind: row.programme_kind, code: row.programme_code },
    themes: row.themes,
    eligibility: row.eligibility as CallInput['eligibility'],
    money: {
      totalBudget: row.total_budget,
      remainingBudget: row.remaining_budget,
      amount: (row.amount ?? null) as CallInput['money']['amount'],
      cofinancingShare: row.cofinancing_share,
    },
    procedure: row.procedure,
    publicationDate: row.publication_date,
    windows: row.windows,
    links: (row.links ?? []) as CallInput['links'],
    contact: (row.contact ?? null) as CallInput['contact'],
  });
}

export const toCall = (row: CallRow) => ({
  ...inputOf(row),
  id: row.id,
  status: row.status,
  editorialStatus: row.editorial_status,
  nextDeadline: iso(row.next_deadline),
  measureCode: row.measure_code,
  version: row.version,
  publishAt: iso(row.publish_at),
  publishedAt: iso(row.published_at),
  sources: row.sources,
  demo: isDemoCall(row.sources),
  suggestedThemes: row.suggested_themes,
  updatedAt: iso(row.updated_at)!,
});

export const toCallSummary = (row: CallListRow) => ({
  id: row.id,
  title: row.title,
  summary: row.summary,
  issuer: row.issuer,
  programme: { kind: row.programme_kind, code: row.programme_code },
  measureCode: row.measure_code,
  themes: row.themes,
  status: row.status,
  editorialStatus: row.editorial_status,
  nextDeadline: iso(row.next_deadline),
  totalBudget: row.total_budget,
  amountMax: row.amount_max,
  bodyTypes: (row.eligibility as { bodyTypes: string[] }).bodyTypes,
  demo: row.demo,
});

/** A row of the editors' lists: the summary, and the state of the change waiting for a published call. */
export const toEditorialCallSummary = (row: CallListRow) => ({ ...toCallSummary(row), pendingRevision: row.pending_revision });
