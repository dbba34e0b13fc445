import type { Schemas } from '@/api/client';

type CallInput = Schemas['CallInput'];

/**
 * A new call from an existing one, for its next window: the same rules, money, themes and documents,
 * no dates (the editor writes the new window's) and no remaining budget or publication date, which
 * belong to the old window.
 */
export function nextWindowOf(call: CallInput): CallInput {
  return {
    title: call.title,
    summary: call.summary ?? null,
    description: call.description ?? null,
    issuer: call.issuer,
    programme: { ...call.programme },
    themes: [...call.themes],
    eligibility: structuredClone(call.eligibility),
    money: { totalBudget: call.money.totalBudget ?? null, remainingBudget: null, amount: structuredClone(call.money.amount ?? null), cofinancingShare: call.money.cofinancingShare ?? null },
    procedure: call.procedure,
    publicationDate: null,
    windows: [{ label: null, opensAt: '', closesAt: null }],
    links: call.links.map((link) => ({ ...link })),
    contact: call.contact ? { ...call.contact } : null,
  };
}
