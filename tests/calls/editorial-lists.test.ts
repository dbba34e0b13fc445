import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

// REVIEW_REQUIRED is on by default: a second editor approves what the first wrote.
const ctx = useTestApp();
let author: Agent;
let reviewer: Agent;

beforeAll(async () => {
  await createTestUser(ctx.db, 'marta@anci.example.it', 'editor');
  await createTestUser(ctx.db, 'piero@anci.example.it', 'editor');
  author = await loginAs(ctx.app, 'marta@anci.example.it');
  reviewer = await loginAs(ctx.app, 'piero@anci.example.it');
});

const post = (agent: Agent, url: string, body: object = {}) => agent.post(url).set('x-csrf-token', agent.csrf).send(body);
const put = (agent: Agent, url: string, body: object) => agent.put(url).set('x-csrf-token', agent.csrf).send(body);
const counts = async () => (await author.get('/api/v1/editorial/calls/counts').expect(200)).body;
const titles = async (queue: string) =>
  (await author.get(`/api/v1/editorial/calls?queue=${queue}`).expect(200)).body.items.map((c: { title: string }) => c.title);

describe('GET /api/v1/editorial/calls/:id allowedActions', () => {
  it('does not offer the approval of a call to the editor who wrote it, and offers it to another', async () => {
    const { body: draft } = await post(author, '/api/v1/calls', callInput({ title: 'Avviso scritto da Marta' })).expect(201);
    expect(draft.allowedActions).toEqual(['submit', 'archive']);
    const submitted = await post(author, `/api/v1/calls/${draft.id}/submit`).expect(200);
    expect(submitted.body.allowedActions).toEqual(['archive']);
    expect((await reviewer.get(`/api/v1/editorial/calls/${draft.id}`)).body.allowedActions).toEqual(['approve', 'archive']);
    const approved = await post(reviewer, `/api/v1/calls/${draft.id}/approve`).expect(200);
    expect(approved.body.allowedActions).toEqual(['publish', 'schedule', 'archive']);
    const published = await post(reviewer, `/api/v1/calls/${draft.id}/publish`).expect(200);
    expect(published.body.allowedActions).toEqual(['withdraw', 'archive']);
  });

  it('sends an approved call its author edits back to review, where the author is again not offered the approval', async () => {
    const { body: draft } = await post(author, '/api/v1/calls', callInput({ title: 'Avviso approvato e ritoccato' })).expect(201);
    await post(author, `/api/v1/calls/${draft.id}/submit`).expect(200);
    await post(reviewer, `/api/v1/calls/${draft.id}/approve`).expect(200);
    const edited = await put(author, `/api/v1/calls/${draft.id}`, callInput({ title: 'Avviso approvato e ritoccato dall’autrice' })).expect(200);
    expect(edited.body).toMatchObject({ editorialStatus: 'in_review', allowedActions: ['archive'] });
    expect((await reviewer.get(`/api/v1/editorial/calls/${draft.id}`)).body.allowedActions).toContain('approve');
  });
});

describe('GET /api/v1/editorial/calls?queue and /counts', () => {
  it('lists a published call whose change waits for review under “in revisione”, and counts every list', async () => {
    const before = await counts();
    const { body: call } = await post(author, '/api/v1/calls', callInput({ title: 'Avviso con modifiche in revisione' })).expect(201);
    expect(await counts()).toEqual({ ...before, drafts: before.drafts + 1 });
    await post(author, `/api/v1/calls/${call.id}/submit`).expect(200);
    expect(await titles('review')).toContain('Avviso con modifiche in revisione');
    await post(reviewer, `/api/v1/calls/${call.id}/approve`).expect(200);
    await post(reviewer, `/api/v1/calls/${call.id}/publish`).expect(200);
    expect(await counts()).toEqual({ ...before, published: before.published + 1 });

    await put(author, `/api/v1/calls/${call.id}`, callInput({ title: 'Avviso con modifiche in revisione, nuovo titolo' })).expect(200);
    expect(await titles('drafts')).toContain('Avviso con modifiche in revisione');
    await post(author, `/api/v1/calls/${call.id}/revision/submit`).expect(200);
    expect(await counts()).toEqual({ ...before, review: before.review + 1, published: before.published + 1 });
    const review = await author.get('/api/v1/editorial/calls?queue=review');
    expect(review.body.items).toContainEqual(
      expect.objectContaining({ id: call.id, title: 'Avviso con modifiche in revisione', editorialStatus: 'published', pendingRevision: 'in_review' }),
    );
    expect(await titles('drafts')).not.toContain('Avviso con modifiche in revisione');

    await post(reviewer, `/api/v1/calls/${call.id}/revision/approve`).expect(200);
    expect(await titles('ready')).toContain('Avviso con modifiche in revisione');
    await post(reviewer, `/api/v1/calls/${call.id}/revision/publish`).expect(200);
    expect(await counts()).toEqual({ ...before, published: before.published + 1 });
    expect((await author.get('/api/v1/editorial/calls?queue=published')).body.items).toContainEqual(
      expect.objectContaining({ id: call.id, title: 'Avviso con modifiche in revisione, nuovo titolo', pendingRevision: null }),
    );
  });

  it('refuses an unknown list with a 400 problem in Italian', async () => {
    const res = await author.get('/api/v1/editorial/calls?queue=tutti');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('the match preview', () => {
  it('lists the comuni a draft reaches with their amount, the first 50 on the page and all of them in the CSV', async () => {
    for (let i = 0; i < 55; i++)
      await createComune(ctx.db, `0199${String(i).padStart(2, '0')}`, `Comune di prova ${String(i).padStart(2, '0')}`, i < 5 ? 20_000 : 3_000);
    const bracket = {
      kind: 'brackets' as const,
      brackets: [
        { populationMin: 0, populationMax: 5000, amount: 10_000 },
        { populationMin: 5001, populationMax: null, amount: 40_000 },
      ],
    };
    const { body: draft } = await post(
      author,
      '/api/v1/calls',
      callInput({ title: 'Avviso per la provincia di prova', money: { totalBudget: 5_000_000, amount: bracket } }),
    ).expect(201);
    const preview = await post(author, `/api/v1/calls/${draft.id}/match-preview`).expect(200);
    expect(preview.body).toMatchObject({
      eligible: 55,
      comuniTotal: 55,
      byProvince: { CR: 55 },
      bySizeClass: { 'fino-5000': 50, 'oltre-15000': 5 },
      totalEstimatedAmount: 50 * 10_000 + 5 * 40_000,
    });
    expect(preview.body.comuni).toHaveLength(50);
    expect(preview.body.comuni[0]).toEqual({
      istat: '019900',
      name: 'Comune di prova 00',
      provinceSigla: 'CR',
      sizeClass: 'oltre-15000',
      verdict: 'eligible',
      amountMin: 40_000,
      amountMax: 40_000,
    });
    expect(preview.body.comuni[49].name).toBe('Comune di prova 49');

    const csv = await author.get(`/api/v1/calls/${draft.id}/match-preview`).set('accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.text.replace(/\r\n$/, '').split('\r\n');
    expect(rows[0]).toBe('\uFEFFCodice ISTAT;Comune;Provincia;Classe dimensionale;Partecipazione;Importo stimato minimo (€);Importo stimato massimo (€)');
    expect(rows).toHaveLength(56);
    expect(rows[1]).toBe('019900;Comune di prova 00;CR;oltre 15.000 abitanti;da solo;40000,00;40000,00');
  });
});
