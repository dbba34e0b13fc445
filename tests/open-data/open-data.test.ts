import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { callInput, daysFromNow } from '../helpers/calls.ts';
import { createTestUser, loginAs } from '../helpers/identity.ts';

const ctx = useTestApp({ env: { REVIEW_REQUIRED: 'false' } });
let published: string;

beforeAll(async () => {
  await createTestUser(ctx.db, 'redazione@anci.example.it', 'editor');
  const editor = await loginAs(ctx.app, 'redazione@anci.example.it');
  const create = (title: string) =>
    editor
      .post('/api/v1/calls')
      .set('x-csrf-token', editor.csrf)
      .send(callInput({ title, windows: [{ opensAt: daysFromNow(-1), closesAt: daysFromNow(30) }] }));
  published = (await create('=HYPERLINK("http://x") Sportelli digitali')).body.id;
  await create('Bozza riservata');
  await editor.post(`/api/v1/calls/${published}/publish`).set('x-csrf-token', editor.csrf).expect(200);
});

describe('open data', () => {
  it('publishes the published calls only, as JSON and CSV under CC BY 4.0, with formulas defused', async () => {
    const json = await request(ctx.app.server).get('/api/v1/open-data/calls.json').expect(200);
    expect(json.body.license).toBe('https://creativecommons.org/licenses/by/4.0/');
    expect(json.body.items.map((c: { id: string }) => c.id)).toEqual([published]);
    expect(json.body.items[0].url).toBe(`http://cruscotto.test/bandi/${published}`);
    const csv = await request(ctx.app.server).get('/api/v1/open-data/calls.csv').expect(200);
    expect(csv.headers['link']).toContain('rel="license"');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]!.startsWith('ID;Titolo;Ente')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"") Sportelli digitali"`);
    expect(csv.text).not.toContain('Bozza riservata');
  });

  it('publishes the aggregate indicators, without search texts or comments', async () => {
    const { body } = await request(ctx.app.server).get('/api/v1/open-data/indicators.json').expect(200);
    expect(body.indicators.find((i: { key: string }) => i.key === 'registeredUsers')).toMatchObject({ target: 250 });
    expect(Object.keys(body).sort()).toEqual(['indicators', 'license', 'period']);
  });

  it('describes the catalogue in DCAT-AP_IT for dati.gov.it', async () => {
    const { text, headers } = await request(ctx.app.server).get('/api/v1/open-data/catalog.jsonld').expect(200);
    expect(headers['content-type']).toContain('application/ld+json');
    const catalog = JSON.parse(text);
    expect(catalog['@type']).toBe('dcatapit:Catalog');
    const dataset = catalog['dcat:dataset'][0];
    expect(dataset['@type']).toBe('dcatapit:Dataset');
    expect(dataset['dcat:distribution'].map((d: { 'dcat:downloadURL': { '@id': string } }) => d['dcat:downloadURL']['@id'])).toEqual([
      'http://cruscotto.test/api/v1/open-data/calls.csv',
      'http://cruscotto.test/api/v1/open-data/calls.json',
    ]);
    expect(dataset['dcat:distribution'][0]['dct:license']['@id']).toBe('https://creativecommons.org/licenses/by/4.0/');
  });
});
