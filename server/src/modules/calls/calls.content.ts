import type { FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { CallsTable, Database, EditorialStatus, ProgrammeKind } from '../../plugins/db/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { inputOf, normalisedInput } from './calls.mappers.ts';
import { findCall, replaceWindowsAndThemes, type CallRow } from './calls.queries.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CallInput } from './calls.schemas.ts';
import { maxAmount } from './calls.validation.ts';
import { parseMeasureCode } from './calls.measure-code.ts';

export type Trx = Transaction<Database>;

/** Who acts: a signed-in editor (through a request) or an ingestion source. */
export interface Actor {
  request: FastifyRequest | null;
  userId: string | null;
  source?: string;
}

/** Changes to these reach comuni that were matched: matching and alerts must hear about them. */
const MATERIAL = ['windows', 'money', 'eligibility'] as const;

export function columnsOf(input: CallInput) {
  return {
    title: input.title.trim(),
    summary: input.summary ?? null,
    description: input.description ?? null,
    issuer: input.issuer.trim(),
    programme_kind: input.programme.kind as ProgrammeKind,
    programme_code: input.programme.code ?? null,
    measure_code: parseMeasureCode(input.programme.code),
    procedure: input.procedure as CallsTable['procedure'],
    eligibility: JSON.stringify(input.eligibility),
    total_budget: input.money.totalBudget ?? null,
    remaining_budget: input.money.remainingBudget ?? null,
    amount: input.money.amount ? JSON.stringify(input.money.amount) : null,
    amount_max: maxAmount(input.money.amount),
    cofinancing_share: input.money.cofinancingShare ?? null,
    publication_date: input.publicationDate ?? null,
    opens_at: new Date(Math.min(...input.windows.map((w) => Date.parse(w.opensAt)))),
    closes_at: input.windows.some((w) => w.closesAt === null) ? null : new Date(Math.max(...input.windows.map((w) => Date.parse(w.closesAt!)))),
    links: JSON.stringify(input.links ?? []),
    contact: input.contact ? JSON.stringify(input.contact) : null,
  };
}

export async function loadCall(db: Kysely<Database>, id: string, clock: Clock) {
  const call = await findCall(db, id, clock);
  if (!call) throw notFound('CALL_NOT_FOUND', 'Bando non trovato.');
  return call;
}

export async function recordVersion(trx: Trx, actor: Actor, callId: string, version: number, changes: Record<string, unknown>) {
  await trx
    .insertInto('call_versions')
    .values({ call_id: callId, version, changes: JSON.stringify(changes), changed_by: actor.userId, changed_by_source: actor.source ?? null })
    .execute();
}

export async function emitEvent(trx: Trx, callId: string, kind: 'call.published' | 'call.changed' | 'call.withdrawn', payload: Record<string, unknown>) {
  await trx
    .insertInto('call_events')
    .values({ call_id: callId, kind, payload: JSON.stringify({ callId, ...payload }) })
    .execute();
}

export interface StatusChange {
  editorial_status?: EditorialStatus;
  submitted_by?: string | null;
  approved_by?: string | null;
  publish_at?: Date | null;
}

/**
 * Writes new content over the call as it is stored (for a published call: what the public sees), as
 * one version; a material change of a published call is told to matching and alerts. Returns the
 * changed fields (none: nothing written).
 */
export async function writeContent(trx: Trx, actor: Actor, before: CallRow, input: CallInput, status: StatusChange = {}, suggestedThemes?: string[]) {
  const changes = diff<Record<string, unknown>>({ ...inputOf(before) }, { ...normalisedInput(input) });
  if (Object.keys(changes).length === 0) return changes;
  const version = before.version + 1;
  await trx
    .updateTable('calls')
    .set({ ...columnsOf(input), ...status, version, updated_by: actor.userId, updated_at: sql`now()` })
    .where('id', '=', before.id)
    .execute();
  await replaceWindowsAndThemes(
    trx,
    before.id,
    input.windows,
    input.themes,
    suggestedThemes ?? before.suggested_themes.filter((t) => input.themes.includes(t) && !('themes' in changes)),
  );
  const moved =
    status.editorial_status && status.editorial_status !== before.editorial_status
      ? { editorialStatus: { from: before.editorial_status, to: status.editorial_status } }
      : {};
  await recordVersion(trx, actor, before.id, version, { ...changes, ...moved });
  await recordAudit(trx, actor.request, { action: 'call.updated', entity: 'call', entityId: before.id, changes: { ...changes, ...moved } });
  const material = MATERIAL.filter((field) => field in changes);
  if (before.editorial_status === 'published' && material.length > 0) await emitEvent(trx, before.id, 'call.changed', { version, changedFields: material });
  return changes;
}
