import { beforeAll, describe, expect, it } from 'vitest';
import { createCall } from '../../server/src/modules/calls/calls.service.ts';
import { remindDueSteps } from '../../server/src/modules/applications/index.ts';
import { clockAt } from '../../server/src/shared/clock.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { fundingFile } from '../helpers/funding.ts';
import { createComune, createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp();
const CREMA = '019035';
const OFFANENGO = '019063';
const MORTERONE = '097055';
const CUP = 'J11F26000240006';
let callId: string;
let otherCallId: string;
let rtd: Agent;
let staff: Agent;
let reader: Agent;
let outsider: Agent;
let admin: Agent;
let viewer: Agent;
let staffId: string;

const url = (istat = CREMA, call = callId) => `/api/v1/comuni/${istat}/applications/${call}`;
const put = (agent: Agent, body: object, istat = CREMA, call = callId) => agent.put(url(istat, call)).set('x-csrf-token', agent.csrf).send(body);

beforeAll(async () => {
  for (const [istat, name] of [
    [CREMA, 'Crema'],
    [OFFANENGO, 'Offanengo'],
    [MORTERONE, 'Morterone'],
  ])
    await createComune(ctx.db, istat!, name!);
  await ctx.db.transaction().execute(async (trx) => {
    const clock = clockAt(14);
    const input = callInput({
      title: 'Avviso Misura 1.4.1 Esperienza del cittadino',
      programme: { kind: 'pnrr', code: 'M1C1I1.4.1' },
      windows: [{ opensAt: daysFromNow(-10), closesAt: daysFromNow(60) }],
    });
    callId = await createCall(trx, { request: null, userId: null }, input, clock, { status: 'published' });
    otherCallId = await createCall(trx, { request: null, userId: null }, callInput({ title: '=HYPERLINK("http://x") Avviso biblioteche' }), clock, {
      status: 'published',
    });
  });
  await createTestUser(ctx.db, 'rtd@crema.it', 'rtd', [CREMA, OFFANENGO]);
  staffId = (await createTestUser(ctx.db, 'sara.bianchi@crema.it', 'staff', [CREMA])).id;
  await ctx.db.updateTable('users').set({ name: 'Sara Bianchi' }).where('id', '=', staffId).execute();
  await createTestUser(ctx.db, 'sindaco@crema.it', 'lettura', [CREMA]);
  await createTestUser(ctx.db, 'rtd@morterone.it', 'rtd', [MORTERONE]);
  await createTestUser(ctx.db, 'admin@example.it', 'admin');
  await createTestUser(ctx.db, 'anci@example.it', 'viewer');
  rtd = await loginAs(ctx.app, 'rtd@crema.it');
  staff = await loginAs(ctx.app, 'sara.bianchi@crema.it');
  reader = await loginAs(ctx.app, 'sindaco@crema.it');
  outsider = await loginAs(ctx.app, 'rtd@morterone.it');
  admin = await loginAs(ctx.app, 'admin@example.it');
  viewer = await loginAs(ctx.app, 'anci@example.it');
});

describe('PUT /api/v1/comuni/:istat/applications/:callId', () => {
  it('opens the application with the checklist placed before the call closes, and records who did it', async () => {
    const res = await put(rtd, { status: 'interessato' });
    expect(res.status).toBe(201);
    expect(res.body.statusLabel).toBe('Interessato');
    const closing = new Date(res.body.call.closesAt);
    const giunta = res.body.steps.find((s: { title: string }) => s.title === 'Delibera di giunta');
    const expected = new Date(closing.getTime() - 20 * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Rome' });
    expect(giunta.dueOn).toBe(expected);
    expect(res.body.steps.map((s: { title: string }) => s.title)).toContain('Invio sulla piattaforma');
    expect(res.body.history[0]).toMatchObject({ action: 'created', sentence: 'Candidatura aperta come «Interessato»', actor: { name: 'rtd' } });
    expect(res.body.following).toBe(true);
  });

  it('refuses "non pertinente" without a reason, "altro" without words and a malformed CUP, in Italian', async () => {
    const missing = await put(rtd, { status: 'non_pertinente' }, OFFANENGO);
    expect(missing.status).toBe(422);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body.errors).toEqual([{ field: 'body.reason', message: expect.stringContaining('perché il comune non partecipa') }]);
    const other = await put(rtd, { status: 'non_pertinente', reason: 'altro', reasonText: '  ' }, OFFANENGO);
    expect(other.body.errors[0].message).toBe('Con il motivo «Altro» scrivi una breve spiegazione.');
    const cup = await put(rtd, { status: 'presentata', cup: 'ABC' });
    expect(cup.status).toBe(422);
    expect(cup.body.errors[0]).toMatchObject({ field: 'body.cup', message: expect.stringContaining('15 caratteri') });
    const ok = await put(rtd, { status: 'non_pertinente', reason: 'no_cofinanziamento' }, OFFANENGO);
    expect(ok.status).toBe(201);
    expect(ok.body.reasonLabel).toBe('Manca il cofinanziamento');
    expect(ok.body.steps).toEqual([]);
  });

  it('lets only an RTD of the comune change the status: staff, read-only colleagues and other RTDs are refused', async () => {
    expect((await put(staff, { status: 'in_preparazione' })).status).toBe(403);
    expect((await put(reader, { status: 'in_preparazione' })).status).toBe(403);
    const foreign = await put(outsider, { status: 'in_preparazione' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.detail).toMatch(/[a-zà]/);
    expect((await reader.get(url())).status).toBe(200);
    expect((await outsider.get(url())).status).toBe(403);
    expect((await viewer.get(url())).status).toBe(403);
  });

  it('answers 404 in Italian for a call that is not published', async () => {
    const res = await put(rtd, { status: 'interessato' }, CREMA, '00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('Bando non trovato o non pubblicato.');
  });
});

describe('working on an application as a team', () => {
  it('lists the people of the comune with their roles in words, for assigning steps and naming in notes', async () => {
    const team = await reader.get(`/api/v1/comuni/${CREMA}/team`);
    expect(team.body.items.map((p: { name: string; roleLabel: string }) => `${p.name} (${p.roleLabel})`)).toEqual([
      'Sara Bianchi (Personale del comune)',
      'rtd (RTD)',
      'sindaco (Sola lettura)',
    ]);
  });

  it('tells a colleague named in a note, in-app and by e-mail, and keeps the earlier text of an edited note', async () => {
    const created = await rtd.post(`${url()}/notes`).set('x-csrf-token', rtd.csrf).send({ body: 'Prepara la delibera, @Sara Bianchi' });
    expect(created.status).toBe(201);
    expect(created.body.items[0].mentions).toEqual([{ id: staffId, name: 'Sara Bianchi' }]);
    const notification = await ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', staffId)
      .where('kind', '=', 'application')
      .executeTakeFirstOrThrow();
    expect(notification.title).toBe('rtd ti ha citato in una nota');
    expect(notification.link).toContain(`/candidature/${CREMA}/${callId}`);
    const mail = await ctx.db.selectFrom('alert_deliveries').select('message').where('user_id', '=', staffId).executeTakeFirstOrThrow();
    expect((mail.message as { subject: string }).subject).toBe('rtd ti ha citato in una nota');

    const edited = await staff
      .put(`${url()}/notes/${created.body.items[0].id}`)
      .set('x-csrf-token', staff.csrf)
      .send({ body: 'Delibera pronta per la giunta del 12' });
    expect(edited.status).toBe(200);
    expect(edited.body.items[0].body).toBe('Delibera pronta per la giunta del 12');
    expect(edited.body.items[0].revisions).toEqual([
      { previousBody: 'Prepara la delibera, @Sara Bianchi', editedBy: { id: staffId, name: 'Sara Bianchi' }, editedAt: expect.any(String) },
    ]);
    expect((await reader.post(`${url()}/notes`).set('x-csrf-token', reader.csrf).send({ body: 'letto' })).status).toBe(403);
  });

  it('lets staff tick a step assigned to them, and the history says who did it', async () => {
    const page = await rtd.get(url());
    const giunta = page.body.steps.find((s: { title: string }) => s.title === 'Delibera di giunta');
    const assigned = await rtd
      .patch(`${url()}/steps/${giunta.id}`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send({ assigneeId: staffId });
    expect(assigned.body.steps.find((s: { id: string }) => s.id === giunta.id).assignee).toEqual({ id: staffId, name: 'Sara Bianchi' });
    const told = await ctx.db
      .selectFrom('notifications')
      .select('title')
      .where('user_id', '=', staffId)
      .where('event_key', 'like', '%assigned%')
      .executeTakeFirstOrThrow();
    expect(told.title).toBe('Ti è stato assegnato un passo: Delibera di giunta');
    const ticked = await staff
      .patch(`${url()}/steps/${giunta.id}`)
      .set('x-csrf-token', staff.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send({ done: true });
    expect(ticked.status).toBe(200);
    const step = ticked.body.steps.find((s: { id: string }) => s.id === giunta.id);
    expect(step).toMatchObject({ done: true, doneBy: { name: 'Sara Bianchi' }, overdue: false });
    expect(ticked.body.history[0]).toMatchObject({ sentence: 'Passo completato: «Delibera di giunta»', actor: { name: 'Sara Bianchi' } });
    // Ticked again by the RTD a moment later: the step stays Sara's, and the history does not repeat itself.
    const again = await rtd
      .patch(`${url()}/steps/${giunta.id}`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send({ done: true });
    expect(again.status).toBe(200);
    expect(again.body.steps.find((s: { id: string }) => s.id === giunta.id)).toMatchObject({ done: true, doneBy: { name: 'Sara Bianchi' } });
    expect(again.body.history[0].id).toBe(ticked.body.history[0].id);
    const outside = await rtd
      .patch(`${url()}/steps/${giunta.id}`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send({ assigneeId: (await ctx.db.selectFrom('users').select('id').where('email', '=', 'rtd@morterone.it').executeTakeFirstOrThrow()).id });
    expect(outside.status).toBe(422);
    expect(outside.body.code).toBe('ASSIGNEE_NOT_IN_TEAM');
  });

  it('shows the comune activity newest first, without the notes’ text', async () => {
    const res = await reader.get(`/api/v1/comuni/${CREMA}/activity?limit=50`);
    expect(res.status).toBe(200);
    expect(res.body.items[0].sentence).toBe('Passo completato: «Delibera di giunta»');
    expect(JSON.stringify(res.body)).not.toContain('Delibera pronta');
  });

  it('reminds the assignee 7 days before a step, once', async () => {
    const page = await rtd.get(url());
    const cup = page.body.steps.find((s: { title: string }) => s.title === 'Richiesta del CUP');
    const now = new Date();
    const inAWeek = new Date(now.getTime() + 7 * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Rome' });
    await rtd
      .patch(`${url()}/steps/${cup.id}`)
      .set('x-csrf-token', rtd.csrf)
      .set('content-type', 'application/merge-patch+json')
      .send({ assigneeId: staffId, dueOn: inAWeek });
    expect(await remindDueSteps(ctx.app, now)).toBe(1);
    expect(await remindDueSteps(ctx.app, now)).toBe(0);
    const reminder = await ctx.db
      .selectFrom('notifications')
      .select('title')
      .where('user_id', '=', staffId)
      .where('event_key', 'like', '%:due:%')
      .executeTakeFirstOrThrow();
    expect(reminder.title).toMatch(/^Passo in scadenza il \d{2}\/\d{2}\/\d{4}: Richiesta del CUP$/);
  });

  it('puts the steps in the comune calendar feed as whole-day events', async () => {
    const feeds = await rtd.get(`/api/v1/comuni/${CREMA}/feeds`);
    const ics = await rtd.get(new URL(feeds.body.ical).pathname);
    expect(ics.text).toMatch(/SUMMARY:Passo: Invio sulla piattaforma – Avviso Misura 1\.4\.1/);
    expect(ics.text).toMatch(/DTSTART;VALUE=DATE:\d{8}/);
    expect(ics.text).not.toContain('Delibera di giunta –');
  });
});

describe('funding-history import', () => {
  const importFile = (body: string) => admin.post('/api/v1/imports/funding-history').set('x-csrf-token', admin.csrf).set('content-type', 'text/csv').send(body);

  it('moves a submitted application with the same comune and CUP to "finanziata" and adds the milestones from the decree', async () => {
    expect(
      (await put(rtd, { status: 'presentata', cup: CUP.toLowerCase(), protocolNumber: 'PA-2026-77', protocolDate: '2026-06-07', amountRequested: 32589 }))
        .status,
    ).toBe(200);
    const res = await importFile(fundingFile({ istat: CREMA, name: 'Crema', cup: CUP, measure: '1.4.1', fundedOn: '2026-10-01' }));
    expect(res.status).toBe(200);
    const page = await rtd.get(url());
    expect(page.body).toMatchObject({ status: 'finanziata', statusSource: 'importazione', cup: CUP });
    const milestones = page.body.steps.filter((s: { phase: string }) => s.phase === 'attuazione');
    expect(milestones.map((m: { title: string; dueOn: string }) => [m.title, m.dueOn])).toEqual([
      ['Contrattualizzazione del fornitore', '2027-03-30'],
      ['Completamento delle attività', '2027-12-25'],
      ['Asseverazione tecnica', '2028-02-23'],
      ['Domanda di erogazione', '2028-03-24'],
    ]);
    expect(page.body.history[0].sentence).toBe('Aggiunti i traguardi dopo il finanziamento');
    expect(page.body.history[1].sentence).toBe('Storico dei finanziamenti: stato da «Presentata» a «Finanziata»');
  });

  it('never moves backwards, and a status set by hand after the award wins over the import', async () => {
    expect((await put(rtd, { status: 'rinunciata', cup: CUP })).status).toBe(200);
    await importFile(fundingFile({ istat: CREMA, name: 'Crema', cup: CUP, measure: '1.4.1', snapshot: '2026-11-02' }));
    expect((await rtd.get(url())).body.status).toBe('rinunciata');
    expect((await put(rtd, { status: 'non_finanziata', cup: CUP })).status).toBe(200);
    await importFile(fundingFile({ istat: CREMA, name: 'Crema', cup: CUP, measure: '1.4.1', snapshot: '2026-11-03' }));
    expect((await rtd.get(url())).body.status).toBe('non_finanziata');
    await ctx.db
      .updateTable('applications')
      .set({ status_changed_at: new Date('2026-09-01T10:00:00Z') })
      .execute();
    await importFile(fundingFile({ istat: CREMA, name: 'Crema', cup: CUP, measure: '1.4.1', snapshot: '2026-11-04' }));
    expect((await rtd.get(url())).body.status).toBe('finanziata');
    await importFile(fundingFile({ istat: CREMA, name: 'Crema', cup: CUP, measure: '1.4.1', status: 'R', statusOn: '2026-11-20', snapshot: '2026-11-25' }));
    expect((await rtd.get(url())).body.status).toBe('rinunciata');
  });
});

describe('lists, board and aggregates', () => {
  it('lists a comune applications with filters, paging and a CSV whose cells cannot run as formulas', async () => {
    await put(rtd, { status: 'interessato' }, CREMA, otherCallId);
    const all = await reader.get(`/api/v1/comuni/${CREMA}/applications?limit=1`);
    expect(all.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(all.body._links.next.href).toContain('offset=1');
    const interested = await reader.get(`/api/v1/comuni/${CREMA}/applications?status=interessato`);
    expect(interested.body.items.map((i: { callTitle: string }) => i.callTitle)).toEqual(['=HYPERLINK("http://x") Avviso biblioteche']);
    expect(interested.body.items[0].nextStep.title).toBe('Verifica dei requisiti e del cofinanziamento');
    const csv = await reader.get(`/api/v1/comuni/${CREMA}/applications`).set('accept', 'text/csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain(`;"'=HYPERLINK(""http://x"") Avviso biblioteche";Interessato;`);
  });

  it('shows the office board only for the comuni the RTD serves, filtered by comune', async () => {
    await put(outsider, { status: 'interessato' }, MORTERONE);
    const board = await rtd.get('/api/v1/applications/board?limit=100');
    expect(new Set(board.body.items.map((i: { istat: string }) => i.istat))).toEqual(new Set([CREMA, OFFANENGO]));
    const narrowed = await rtd.get(`/api/v1/applications/board?comune=${OFFANENGO}&comune=${MORTERONE}`);
    expect(narrowed.body.items.map((i: { comune: string }) => i.comune)).toEqual(['Offanengo']);
    const everyone = await admin.get('/api/v1/applications/board?limit=100');
    expect(everyone.body.total).toBe(4);
    expect((await viewer.get('/api/v1/applications/board')).status).toBe(403);
  });

  it('gives viewers counts and reasons by province and size class, never a comune or a note', async () => {
    const res = await viewer.get(`/api/v1/analytics/applications?callId=${callId}`);
    expect(res.status).toBe(200);
    expect(res.body.calls).toEqual([expect.objectContaining({ callId, interested: 2, applied: 1, funded: 0, notApplying: 1 })]);
    expect(res.body.reasons).toEqual([{ reason: 'no_cofinanziamento', label: 'Manca il cofinanziamento', province: 'CR', sizeClass: 'fino-5000', count: 1 }]);
    expect(JSON.stringify(res.body)).not.toMatch(/Crema|Offanengo|Delibera pronta/);
    const csv = await viewer.get('/api/v1/analytics/applications').set('accept', 'text/csv');
    expect(csv.text).toContain('Manca il cofinanziamento;CR;meno di 5.000 abitanti;1');
    expect((await rtd.get('/api/v1/analytics/applications')).status).toBe(403);
  });

  it('hands a person their notes and steps in the GDPR export', async () => {
    const exported = await staff.get('/api/v1/me/export');
    expect(exported.body.applications.notes).toEqual([]);
    expect(exported.body.applications.noteRevisions).toEqual([expect.objectContaining({ previous_body: 'Prepara la delibera, @Sara Bianchi' })]);
    expect(exported.body.applications.steps.map((s: { title: string }) => s.title)).toEqual(
      expect.arrayContaining(['Delibera di giunta', 'Richiesta del CUP']),
    );
    expect(exported.body.applications.history.map((h: { action: string }) => h.action)).toContain('step.done');
  });
});
