import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishDueCalls } from '../../server/src/modules/calls/calls.service.ts';
import type { CallInput } from '../../server/src/modules/calls/calls.schemas.ts';
import type { Connector } from '../../server/src/modules/ingest/ingest.connector.ts';
import { runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { drainSearchOutbox } from '../../server/src/modules/search/search.outbox.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

// REVIEW_REQUIRED is on by default: every change a comune could see passes a second editor.
const ctx = useTestApp();
let author: Agent;
let reviewer: Agent;

beforeAll(async () => {
  await createTestUser(ctx.db, 'chiara@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'luca@anci.example.it', 'editor');
  author = await loginAs(ctx.app, 'chiara@anci.example.it');
  reviewer = await loginAs(ctx.app, 'luca@anci.example.it');
});

const post = (agent: Agent, url: string, body: object = {}) => agent.post(url).set('x-csrf-token', agent.csrf).send(body);
const put = (agent: Agent, url: string, body: object) => agent.put(url).set('x-csrf-token', agent.csrf).send(body);
const anonymous = () => request(ctx.app.server);
const events = async (callId: string) =>
  (await ctx.db.selectFrom('call_events').select(['kind', 'payload']).where('call_id', '=', callId).orderBy('id').execute()).map((e) => ({
    kind: e.kind,
    payload: e.payload,
  }));
const fixed = (amount: number) => ({ totalBudget: 1_000_000, amount: { kind: 'fixed' as const, amount } });

async function approvedCall(over: Partial<CallInput> = {}) {
  const created = await post(author, '/api/v1/calls', callInput(over));
  expect(created.status).toBe(201);
  await post(author, `/api/v1/calls/${created.body.id}/submit`).expect(200);
  await post(reviewer, `/api/v1/calls/${created.body.id}/approve`).expect(200);
  return created.body.id as string;
}

async function publishedCall(over: Partial<CallInput> = {}) {
  const id = await approvedCall(over);
  await post(reviewer, `/api/v1/calls/${id}/publish`).expect(200);
  return id;
}

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.code).toBe(code);
}

describe('PUT /api/v1/calls/:id on an approved call', () => {
  it('sends it back to review: publishing needs a new approval by another editor than the author', async () => {
    const id = await approvedCall({ title: 'Avviso approvato', money: fixed(10_000) });
    const edited = await put(author, `/api/v1/calls/${id}`, callInput({ title: 'Avviso approvato e poi cambiato', money: fixed(90_000) }));
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ editorialStatus: 'in_review', title: 'Avviso approvato e poi cambiato' });
    expectProblem(await post(author, `/api/v1/calls/${id}/publish`), 409, 'INVALID_TRANSITION');
    expectProblem(await post(reviewer, `/api/v1/calls/${id}/publish`), 409, 'INVALID_TRANSITION');
    expectProblem(await post(author, `/api/v1/calls/${id}/approve`), 409, 'SECOND_EDITOR_REQUIRED');
    expect((await anonymous().get(`/api/v1/calls/${id}`)).status).toBe(404);
    await post(reviewer, `/api/v1/calls/${id}/approve`).expect(200);
    const published = await post(reviewer, `/api/v1/calls/${id}/publish`);
    expect(published.body).toMatchObject({
      editorialStatus: 'published',
      title: 'Avviso approvato e poi cambiato',
      money: { amount: { kind: 'fixed', amount: 90_000 } },
    });
    const history = await author.get(`/api/v1/calls/${id}/history`);
    expect(history.body.items.find((v: { changes: object }) => 'title' in v.changes).changes.editorialStatus).toEqual({ from: 'approved', to: 'in_review' });
  });

  it('takes a scheduled call out of the schedule, so the job does not publish the unreviewed change', async () => {
    const id = await approvedCall({ title: 'Avviso programmato' });
    await post(reviewer, `/api/v1/calls/${id}/schedule`, { publishAt: daysFromNow(1) }).expect(200);
    const edited = await put(author, `/api/v1/calls/${id}`, callInput({ title: 'Avviso programmato, cambiato dopo' }));
    expect(edited.body).toMatchObject({ editorialStatus: 'in_review', publishAt: null });
    await publishDueCalls(ctx.db, { now: new Date(daysFromNow(2)), soonDays: 14 });
    expect((await anonymous().get(`/api/v1/calls/${id}`)).status).toBe(404);
  });

  it('makes an editor who changes a call under review its author: they cannot approve it themselves', async () => {
    const { body: draft } = await post(author, '/api/v1/calls', callInput({ title: 'Avviso in revisione' }));
    await post(author, `/api/v1/calls/${draft.id}/submit`).expect(200);
    await put(reviewer, `/api/v1/calls/${draft.id}`, callInput({ title: 'Avviso in revisione, ritoccato dal revisore' })).expect(200);
    expectProblem(await post(reviewer, `/api/v1/calls/${draft.id}/approve`), 409, 'SECOND_EDITOR_REQUIRED');
    await post(author, `/api/v1/calls/${draft.id}/approve`).expect(200);
  });
});

describe('PUT /api/v1/calls/:id on a published call', () => {
  const windows = [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(60) }];
  let id: string;

  it('keeps serving the published version to the public while the change waits as a revision', async () => {
    id = await publishedCall({ title: 'Avviso biblioteche originale', money: fixed(10_000), windows });
    const edited = await put(author, `/api/v1/calls/${id}`, callInput({ title: 'Avviso biblioteche rivisto', money: fixed(25_000), windows }));
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ editorialStatus: 'published', title: 'Avviso biblioteche originale', version: 4 });
    expect(edited.body.pendingRevision).toMatchObject({
      status: 'draft',
      content: { title: 'Avviso biblioteche rivisto', money: { amount: { kind: 'fixed', amount: 25_000 } } },
      changes: { title: { from: 'Avviso biblioteche originale', to: 'Avviso biblioteche rivisto' } },
      authors: [{ name: 'chiara' }],
      allowedActions: ['submit', 'discard'],
    });
    expect(Object.keys(edited.body.pendingRevision.changes).sort()).toEqual(['money', 'title']);

    const one = await anonymous().get(`/api/v1/calls/${id}`);
    expect(one.body).toMatchObject({ title: 'Avviso biblioteche originale', money: { amount: { kind: 'fixed', amount: 10_000 } }, version: 4 });
    expect(one.body).not.toHaveProperty('pendingRevision');
    const list = await anonymous().get('/api/v1/calls?q=biblioteche');
    expect(list.body.items).toEqual([expect.objectContaining({ id, title: 'Avviso biblioteche originale', amountMax: 10_000 })]);
    expect((await anonymous().get('/api/v1/calls?q=rivisto')).body.total).toBe(0);
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    const found = await anonymous().get('/api/v1/calls/search?q=biblioteche');
    expect(found.body.items.map((i: { title: string }) => i.title)).toEqual(['Avviso biblioteche originale']);
    expect((await anonymous().get('/api/v1/calls/search?q=rivisto')).body.total).toBe(0);
    // Nothing went live: no version, no event for matching and alerts.
    // The public history lists changes of the published call only: the editorial steps before it stay with the editors.
    expect((await anonymous().get(`/api/v1/calls/${id}/history`)).body.items).toEqual([]);
    expect((await events(id)).map((e) => e.kind)).toEqual(['call.published']);

    const editorial = await author.get(`/api/v1/editorial/calls/${id}`);
    expect(editorial.body).toMatchObject({
      title: 'Avviso biblioteche originale',
      pendingRevision: { status: 'draft', content: { title: 'Avviso biblioteche rivisto' } },
    });
    const revision = await author.get(`/api/v1/editorial/calls/${id}/revision`);
    expect(revision.body).toMatchObject({ status: 'draft', content: { title: 'Avviso biblioteche rivisto' } });
    expect((await anonymous().get(`/api/v1/editorial/calls/${id}/revision`)).status).toBe(401);
  });

  it('needs another editor than the author to approve the revision before it can be published', async () => {
    expectProblem(await post(reviewer, `/api/v1/calls/${id}/revision/publish`), 409, 'INVALID_TRANSITION');
    const submitted = await post(author, `/api/v1/calls/${id}/revision/submit`);
    expect(submitted.body.pendingRevision).toMatchObject({ status: 'in_review', submittedBy: { name: 'chiara' } });
    expectProblem(await post(author, `/api/v1/calls/${id}/revision/approve`), 409, 'SECOND_EDITOR_REQUIRED');
    expectProblem(await post(author, `/api/v1/calls/${id}/revision/publish`), 409, 'INVALID_TRANSITION');
    expect((await reviewer.get(`/api/v1/editorial/calls/${id}`)).body.pendingRevision.allowedActions).toEqual(['approve', 'discard']);
    const approved = await post(reviewer, `/api/v1/calls/${id}/revision/approve`);
    expect(approved.body.pendingRevision).toMatchObject({ status: 'approved', approvedBy: { name: 'luca' } });
    expect((await anonymous().get(`/api/v1/calls/${id}`)).body.title).toBe('Avviso biblioteche originale');
    expect((await events(id)).map((e) => e.kind)).toEqual(['call.published']);
  });

  it('replaces the live version once published, with its history and the material-change event', async () => {
    const published = await post(reviewer, `/api/v1/calls/${id}/revision/publish`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ title: 'Avviso biblioteche rivisto', editorialStatus: 'published', version: 5, pendingRevision: null });
    const one = await anonymous().get(`/api/v1/calls/${id}`);
    expect(one.body).toMatchObject({ title: 'Avviso biblioteche rivisto', money: { amount: { kind: 'fixed', amount: 25_000 } } });
    expect((await anonymous().get('/api/v1/calls?q=rivisto')).body.items).toEqual([expect.objectContaining({ id, amountMax: 25_000 })]);
    await drainSearchOutbox(ctx.db, ctx.app.searchEngine);
    expect((await anonymous().get('/api/v1/calls/search?q=rivisto')).body.total).toBe(1);
    const history = await author.get(`/api/v1/calls/${id}/history`);
    expect(history.body.items[0]).toMatchObject({
      version: 5,
      changedBy: { name: 'chiara' },
      changes: { title: { from: 'Avviso biblioteche originale', to: 'Avviso biblioteche rivisto' } },
    });
    expect(history.body.items[0].changes.money.to.amount).toEqual({ kind: 'fixed', amount: 25_000 });
    expect(await events(id)).toEqual([
      { kind: 'call.published', payload: expect.anything() },
      { kind: 'call.changed', payload: { callId: id, version: 5, changedFields: ['money'] } },
    ]);
    expectProblem(await author.get(`/api/v1/editorial/calls/${id}/revision`), 404, 'REVISION_NOT_FOUND');
  });

  it('refuses the approval of whoever wrote the revision, even when someone else submitted it', async () => {
    const call = await publishedCall({ title: 'Avviso cloud' });
    await put(author, `/api/v1/calls/${call}`, callInput({ title: 'Avviso cloud, nuova scadenza' })).expect(200);
    await post(reviewer, `/api/v1/calls/${call}/revision/submit`).expect(200);
    expectProblem(await post(author, `/api/v1/calls/${call}/revision/approve`), 409, 'SECOND_EDITOR_REQUIRED');
    expectProblem(await post(reviewer, `/api/v1/calls/${call}/revision/approve`), 409, 'SECOND_EDITOR_REQUIRED');
  });

  it('sends an approved revision back to draft when it changes again', async () => {
    const call = await publishedCall({ title: 'Avviso connettività' });
    await put(author, `/api/v1/calls/${call}`, callInput({ title: 'Avviso connettività, prima modifica' })).expect(200);
    await post(author, `/api/v1/calls/${call}/revision/submit`).expect(200);
    await post(reviewer, `/api/v1/calls/${call}/revision/approve`).expect(200);
    const again = await put(author, `/api/v1/calls/${call}`, callInput({ title: 'Avviso connettività, seconda modifica' }));
    expect(again.body.pendingRevision).toMatchObject({
      status: 'draft',
      approvedBy: null,
      submittedBy: null,
      content: { title: 'Avviso connettività, seconda modifica' },
    });
    expectProblem(await post(reviewer, `/api/v1/calls/${call}/revision/publish`), 409, 'INVALID_TRANSITION');
  });

  it('discards a revision and leaves the published call as it was', async () => {
    const call = await publishedCall({ title: 'Avviso sicurezza', money: fixed(5_000) });
    const before = await anonymous().get(`/api/v1/calls/${call}`);
    await put(author, `/api/v1/calls/${call}`, callInput({ title: 'Avviso sicurezza da scartare', money: fixed(7_000) })).expect(200);
    const discarded = await post(reviewer, `/api/v1/calls/${call}/revision/discard`);
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({ title: 'Avviso sicurezza', pendingRevision: null });
    expect((await anonymous().get(`/api/v1/calls/${call}`)).body).toEqual(before.body);
    expect((await events(call)).map((e) => e.kind)).toEqual(['call.published']);
    expectProblem(await post(reviewer, `/api/v1/calls/${call}/revision/discard`), 404, 'REVISION_NOT_FOUND');
    expectProblem(await post(reviewer, `/api/v1/calls/${call}/revision/publish`), 404, 'REVISION_NOT_FOUND');
  });

  it('drops the pending revision when the call is withdrawn', async () => {
    const call = await publishedCall({ title: 'Avviso da ritirare con revisione' });
    await put(author, `/api/v1/calls/${call}`, callInput({ title: 'Avviso da ritirare, rivisto' })).expect(200);
    await post(reviewer, `/api/v1/calls/${call}/withdraw`, { reason: 'Avviso annullato' }).expect(200);
    expect((await author.get(`/api/v1/editorial/calls/${call}`)).body.pendingRevision).toBeNull();
  });
});

describe('updates from ingestion sources', () => {
  const connector: Connector = { kind: 'prova', split: () => [], map: (raw) => ({ input: raw as unknown as CallInput, url: null }) };
  const ingest = (trusted: boolean, externalId: string, input: CallInput) =>
    runIngest(
      ctx.db,
      { now: new Date(), soonDays: 14 },
      {
        connector,
        sourceKind: trusted ? 'prova-fidata' : 'prova',
        location: 'test',
        items: [{ externalId, raw: input as unknown as Record<string, unknown> }],
        trusted,
      },
    );

  it('keeps an untrusted source’s change to a published call as a revision for the editors', async () => {
    expect(await ingest(false, 'U1', callInput({ title: 'Avviso da fonte non fidata' }))).toMatchObject({ created: 1 });
    const { id } = await ctx.db.selectFrom('calls').select('id').where('title', '=', 'Avviso da fonte non fidata').executeTakeFirstOrThrow();
    await post(author, `/api/v1/calls/${id}/submit`).expect(200);
    await post(reviewer, `/api/v1/calls/${id}/approve`).expect(200);
    await post(reviewer, `/api/v1/calls/${id}/publish`).expect(200);
    expect(await ingest(false, 'U1', callInput({ title: 'Avviso da fonte non fidata, aggiornato', money: fixed(3_000) }))).toMatchObject({ updated: 1 });
    expect((await anonymous().get(`/api/v1/calls/${id}`)).body.title).toBe('Avviso da fonte non fidata');
    const revision = await author.get(`/api/v1/editorial/calls/${id}/revision`);
    expect(revision.body).toMatchObject({ status: 'draft', source: 'prova', authors: [], content: { title: 'Avviso da fonte non fidata, aggiornato' } });
    expect((await events(id)).map((e) => e.kind)).toEqual(['call.published']);
  });

  it('publishes a trusted source’s change at once, as before', async () => {
    expect(await ingest(true, 'T1', callInput({ title: 'Avviso da fonte fidata' }))).toMatchObject({ created: 1 });
    expect(await ingest(true, 'T1', callInput({ title: 'Avviso da fonte fidata, aggiornato', money: fixed(3_000) }))).toMatchObject({ updated: 1 });
    const { id } = await ctx.db.selectFrom('calls').select('id').where('title', '=', 'Avviso da fonte fidata, aggiornato').executeTakeFirstOrThrow();
    expect((await anonymous().get(`/api/v1/calls/${id}`)).body.title).toBe('Avviso da fonte fidata, aggiornato');
    expect((await events(id)).map((e) => e.kind)).toEqual(['call.published', 'call.changed']);
  });

  it('does not undo a trusted source’s update when a revision written before it is published', async () => {
    const windows = [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(60) }];
    await ingest(true, 'T2', callInput({ title: 'Avviso fidato da rivedere', windows }));
    const { id } = await ctx.db.selectFrom('calls').select('id').where('title', '=', 'Avviso fidato da rivedere').executeTakeFirstOrThrow();
    await put(author, `/api/v1/calls/${id}`, callInput({ title: 'Avviso fidato, titolo della redazione', windows })).expect(200);
    expect(await ingest(true, 'T2', callInput({ title: 'Avviso fidato da rivedere', windows, money: fixed(8_000) }))).toMatchObject({ updated: 1 });
    await post(author, `/api/v1/calls/${id}/revision/submit`).expect(200);
    await post(reviewer, `/api/v1/calls/${id}/revision/approve`).expect(200);
    await post(reviewer, `/api/v1/calls/${id}/revision/publish`).expect(200);
    expect((await anonymous().get(`/api/v1/calls/${id}`)).body).toMatchObject({
      title: 'Avviso fidato, titolo della redazione',
      money: { amount: { kind: 'fixed', amount: 8_000 } },
    });
  });
});

describe('POST /api/v1/calls/:id/approve on a draft', () => {
  it('refuses the editor who wrote it, even when another editor submitted it', async () => {
    await createTestUser(ctx.db, 'paola@anci.example.it', 'editor');
    const third = await loginAs(ctx.app, 'paola@anci.example.it');
    const created = await post(author, '/api/v1/calls', callInput({ title: 'Bozza scritta da Chiara' }));
    await post(reviewer, `/api/v1/calls/${created.body.id}/submit`).expect(200);
    expectProblem(await post(author, `/api/v1/calls/${created.body.id}/approve`), 409, 'SECOND_EDITOR_REQUIRED');
    // Nor the editor who submitted it.
    await post(reviewer, `/api/v1/calls/${created.body.id}/approve`).then((res) => expectProblem(res, 409, 'SECOND_EDITOR_REQUIRED'));
    await post(third, `/api/v1/calls/${created.body.id}/approve`).expect(200);
  });
});
