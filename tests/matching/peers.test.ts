import { beforeAll, describe, expect, it } from 'vitest';
import { rematchAll } from '../../server/src/modules/matching/matching.service.ts';
import { seedDemo } from '../../seeds/demo.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs, type Agent } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let rtd: Agent;
let istat: string;
let callId: string;
let peers: { istat: string }[];
let province: { sigla: string; name: string };

/** An award of the 2022 SEND edition, funded in 2022. */
const award = (comune: string, amount: number) => ({
  comune_istat: comune,
  source: 'padigitale2026',
  application_key: `send-2022-${comune}`,
  avviso: "1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)",
  measure_code: '1.4.5',
  amount,
  applied_at: new Date('2022-09-20T10:00:00Z'),
  funded_on: '2022-12-01',
  status: 'assegnato' as const,
});

beforeAll(async () => {
  await seedDemo(ctx.db);
  const me = await ctx.db
    .selectFrom('comuni')
    .select(['istat', 'province_sigla', 'province_name'])
    .where('valid_to', 'is', null)
    .where('legal_population', '<', 5000)
    .orderBy('istat')
    .executeTakeFirstOrThrow();
  istat = me.istat;
  province = { sigla: me.province_sigla, name: me.province_name };
  peers = await ctx.db
    .selectFrom('comuni')
    .select('istat')
    .where('valid_to', 'is', null)
    .where('province_sigla', '=', me.province_sigla)
    .where('legal_population', '<', 5000)
    .execute();
  await ctx.db.deleteFrom('funding_awards').where('measure_code', '=', '1.4.5').execute();
  // Two of the comuni like this one got SEND 2022 (23,147 € and 32,589 €); a third renounced.
  await ctx.db
    .insertInto('funding_awards')
    .values([award(peers[0]!.istat, 23147), award(peers[1]!.istat, 32589)])
    .execute();
  await ctx.db
    .insertInto('funding_awards')
    .values({ ...award(peers[2]!.istat, 23147), status: 'rinuncia' })
    .execute();
  await createTestUser(ctx.db, 'rtd-peers@example.it', 'rtd', [istat]);
  const editorEmail = 'redazione-peers@anci.example.it';
  await createTestUser(ctx.db, editorEmail, 'editor');
  const editor = await loginAs(ctx.app, editorEmail);
  rtd = await loginAs(ctx.app, 'rtd-peers@example.it');
  const { body } = await editor
    .post('/api/v1/calls')
    .set('x-csrf-token', editor.csrf)
    .send(
      callInput({
        title: "1.4.5 'Piattaforma Notifiche Digitali' Comuni (maggio 2026)",
        programme: { kind: 'pnrr', code: 'M1C1I1.4.5 Digitalizzazione degli avvisi pubblici' },
        themes: ['piattaforme.send'],
        windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }],
      }),
    );
  callId = body.id;
  await editor.post(`/api/v1/calls/${callId}/publish`).set('x-csrf-token', editor.csrf).expect(200);
  await rematchAll(ctx.db, ctx.app.clock());
});

describe('GET /api/v1/comuni/:istat/opportunities/:callId peers', () => {
  it('gives the share of comuni of the same province and size class funded by the earlier edition, and their median amount', async () => {
    const { body } = await rtd.get(`/api/v1/comuni/${istat}/opportunities/${callId}`).expect(200);
    expect(body.peers).toEqual({
      province: province.sigla,
      provinceName: province.name,
      sizeClass: 'fino-5000',
      comuni: peers.length,
      funded: 2,
      share: Math.round((2 / peers.length) * 1000) / 1000,
      medianAmount: 27868,
      editions: ["1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)"],
    });
  });

  it('lists the same peers on the opportunity card, and a learned part of the score', async () => {
    const { body } = await rtd.get(`/api/v1/comuni/${istat}/opportunities?limit=100`).expect(200);
    const card = body.items.find((o: { call: { id: string } }) => o.call.id === callId);
    expect(card.peers.funded).toBe(2);
    expect(card.components.peers).toBeGreaterThan(0);
  });
});

describe('peers after a funding-history import', () => {
  // The editions of a measure are kept in memory (matching/outcomes.cache.ts): the import must drop them.
  const FUNDING_HEADER =
    'codice_ipa,ente,tipologia_ente,comune,cod_comune,provincia,cod_provincia,regione,cod_regione,importo_finanziamento,avviso,data_invio_candidatura,data_finanziamento,codice_cup,numero_finestra_temporale,numero_di_protocollo,decreto_finanziamento,stato_candidatura,data_stato_candidatura,misura';
  const edition2024 = "1.4.5 'Piattaforma Notifiche Digitali' Comuni (Marzo 2024)";

  it('shows a new earlier edition and its funded comune on the checklist at once', async () => {
    const before = await rtd.get(`/api/v1/comuni/${istat}/opportunities/${callId}`).expect(200);
    expect(before.body.peers.editions).toEqual(["1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)"]);
    await createTestUser(ctx.db, 'admin-peers@anci.example.it', 'admin');
    const admin = await loginAs(ctx.app, 'admin-peers@anci.example.it');
    const newcomer = peers.at(-1)!.istat;
    const row = `c_x,Comune,Comuni,Comune,${newcomer},XX,000,Regione,00,30000.0,${edition2024},2024-03-10T09:00:00.000+0000,2024-06-03,D41F24000000001,1,7,Decreto n.7 - 2024 - PNRR,A,2024-06-03,1.4.5 Digitalizzazione degli avvisi pubblici`;
    const imported = await admin
      .post('/api/v1/imports/funding-history')
      .set('x-csrf-token', admin.csrf)
      .set('content-type', 'text/csv')
      .send([FUNDING_HEADER, row, ''].join('\n'));
    expect(imported.body).toMatchObject({ created: 1, rejected: [] });

    const after = await rtd.get(`/api/v1/comuni/${istat}/opportunities/${callId}`).expect(200);
    expect(after.body.peers.editions).toEqual([edition2024, "1.4.5 'Piattaforma Notifiche Digitali' Comuni (Settembre 2022)"]);
    expect(after.body.peers.funded).toBe(3);
  });
});
