import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../server/src/modules/ingest/ingest.connector.ts';
import { runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { useTestApp } from '../helpers/app.ts';
import { callInput } from '../helpers/calls.ts';

const ctx = useTestApp();

/** A connector that hands over whatever the remote side sent, as a lax parser would. */
const passThrough: Connector = {
  kind: 'partner-feed',
  split: () => [],
  map: (raw) => ({ input: raw.call as never, url: (raw.url as string) ?? null }),
};

describe('ingestion of a hostile remote payload', () => {
  it('drops control characters from every text, whichever connector read it', async () => {
    const call = callInput({
      title: 'Bando\u0000 per la\u0007 connettività\u001b[31m',
      summary: 'Riga uno\r\nRiga due\u000b',
      issuer: 'Regione\u007f Lombardia',
    });
    const report = await runIngest(
      ctx.db,
      { now: new Date(), soonDays: 14 },
      { connector: passThrough, location: 'partner', items: [{ externalId: 'a', raw: { call, url: 'https://example.org/bando\u0000' } }], trusted: true },
    );
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ created: 1, failed: 0 });
    const row = await ctx.db.selectFrom('calls').select(['id', 'title', 'summary', 'issuer']).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: 'Bando per la connettività[31m', summary: 'Riga uno\r\nRiga due', issuer: 'Regione Lombardia' });
    const { body } = await request(ctx.app.server).get(`/api/v1/calls/${row.id}`).expect(200);
    expect(body.sources[0].url).toBe('https://example.org/bando');
  });

  it('refuses, with its reason, an item the API would refuse, and keeps the others', async () => {
    const items = [
      { externalId: 'huge', raw: { call: callInput({ title: 'x'.repeat(600) }) } },
      { externalId: 'negative', raw: { call: callInput({ title: 'Importo negativo', money: { totalBudget: -5 } }) } },
      { externalId: 'fine', raw: { call: callInput({ title: 'Bando in regola' }) } },
    ];
    const report = await runIngest(ctx.db, { now: new Date(), soonDays: 14 }, { connector: passThrough, location: 'partner', items, trusted: true });
    expect(report).toMatchObject({ created: 1, failed: 2 });
    expect(report.failures.map((f) => f.externalId).sort()).toEqual(['huge', 'negative']);
    expect(report.failures.find((f) => f.externalId === 'huge')!.reason).toMatch(/^title: /);
  });
});

describe('webLinks', () => {
  it('reads every address of a cell that holds several, and nothing that is not one', async () => {
    const { webLinks } = await import('../../server/src/modules/ingest/ingest.connector.ts');
    expect(webLinks('https://a.gov.it/avviso.pdf;\n\naggiudicazione:\nhttps://b.gov.it/decreto 4 aprile.')).toEqual([
      'https://a.gov.it/avviso.pdf',
      'https://b.gov.it/decreto',
    ]);
    expect(webLinks('file:///etc/passwd javascript:alert(1) www.senza-schema.it')).toEqual([]);
  });
});
