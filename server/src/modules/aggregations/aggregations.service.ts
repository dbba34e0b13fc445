import type { FastifyRequest } from 'fastify';
import { sql, type Transaction } from 'kysely';
import { diff, recordAudit } from '../auth/index.ts';
import type { AggregationKind, Database } from '../../plugins/db/schema.ts';
import { conflict, notFound, unprocessable } from '../../shared/domain-errors.ts';
import { notifyComuniChanged } from '../comuni/index.ts';
import { findAggregation, toAggregation } from './aggregations.queries.ts';
import type { AggregationInput } from './aggregations.schemas.ts';

const today = () => new Date().toISOString().slice(0, 10);

/** Members must be known comuni, with dates in order and no comune listed twice from the same day. */
async function membersOf(trx: Transaction<Database>, input: AggregationInput) {
  const members = input.members.map((m, i) => ({ index: i, istat: m.istat, joinedOn: m.joinedOn ?? today(), leftOn: m.leftOn ?? null }));
  const errors: { field: string; message: string }[] = [];
  const known = new Set(
    members.length === 0
      ? []
      : (
          await trx
            .selectFrom('comuni')
            .select('istat')
            .where(
              'istat',
              'in',
              members.map((m) => m.istat),
            )
            .execute()
        ).map((c) => c.istat),
  );
  const seen = new Set<string>();
  for (const m of members) {
    const field = `body.members.${m.index}`;
    if (!known.has(m.istat)) errors.push({ field: `${field}.istat`, message: `Nessun comune con codice ISTAT ${m.istat}.` });
    if (m.leftOn && m.leftOn < m.joinedOn) errors.push({ field: `${field}.leftOn`, message: `La data di uscita precede quella di ingresso (${m.joinedOn}).` });
    if (seen.has(`${m.istat}/${m.joinedOn}`)) errors.push({ field, message: `Il comune ${m.istat} compare due volte con ingresso il ${m.joinedOn}.` });
    seen.add(`${m.istat}/${m.joinedOn}`);
  }
  if (errors.length > 0) throw unprocessable('INVALID_MEMBERS', errors.map((e) => e.message).join(' '), errors);
  return members;
}

async function replaceMembers(trx: Transaction<Database>, id: string, members: Awaited<ReturnType<typeof membersOf>>) {
  await trx.deleteFrom('aggregation_members').where('aggregation_id', '=', id).execute();
  if (members.length > 0) {
    await trx
      .insertInto('aggregation_members')
      .values(members.map((m) => ({ aggregation_id: id, comune_istat: m.istat, joined_on: m.joinedOn, left_on: m.leftOn })))
      .execute();
  }
}

const auditView = (a: ReturnType<typeof toAggregation>) => ({
  name: a.name,
  kind: a.kind,
  codiceFiscale: a.codiceFiscale,
  members: a.members.map((m) => `${m.istat} ${m.joinedOn}–${m.leftOn ?? ''}`),
});

export async function createAggregation(trx: Transaction<Database>, request: FastifyRequest, input: AggregationInput) {
  const members = await membersOf(trx, input);
  const { id } = await trx
    .insertInto('aggregations')
    .values({ name: input.name.trim(), kind: input.kind as AggregationKind, codice_fiscale: input.codiceFiscale ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceMembers(trx, id, members);
  const created = toAggregation((await findAggregation(trx, id))!);
  await recordAudit(trx, request, { action: 'aggregation.created', entity: 'aggregation', entityId: id, changes: auditView(created) });
  await notifyComuniChanged(trx, '*');
  return created;
}

export async function replaceAggregation(trx: Transaction<Database>, request: FastifyRequest, id: string, input: AggregationInput) {
  const before = await findAggregation(trx, id);
  if (!before) throw notFound('AGGREGATION_NOT_FOUND', 'Aggregazione non trovata.');
  const members = await membersOf(trx, input);
  await trx
    .updateTable('aggregations')
    .set({ name: input.name.trim(), kind: input.kind as AggregationKind, codice_fiscale: input.codiceFiscale ?? null, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await replaceMembers(trx, id, members);
  const after = toAggregation((await findAggregation(trx, id))!);
  const changes = diff(auditView(toAggregation(before)), auditView(after));
  if (Object.keys(changes).length > 0) await recordAudit(trx, request, { action: 'aggregation.updated', entity: 'aggregation', entityId: id, changes });
  await notifyComuniChanged(trx, '*');
  return after;
}

/** An aggregation through which RTDs hold access cannot go: deleting it would silently revoke them. */
export async function deleteAggregation(trx: Transaction<Database>, request: FastifyRequest, id: string) {
  const before = await findAggregation(trx, id);
  if (!before) throw notFound('AGGREGATION_NOT_FOUND', 'Aggregazione non trovata.');
  const holders = await trx
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('aggregation_id', '=', id)
    .executeTakeFirstOrThrow();
  if (holders.n > 0) throw conflict('AGGREGATION_IN_USE', `${holders.n} utenti operano tramite questa aggregazione: revoca prima le loro appartenenze.`);
  await trx.deleteFrom('aggregations').where('id', '=', id).execute();
  await recordAudit(trx, request, { action: 'aggregation.deleted', entity: 'aggregation', entityId: id, changes: auditView(toAggregation(before)) });
  await notifyComuniChanged(trx, '*');
}
