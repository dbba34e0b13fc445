import { describe, expect, it, vi } from 'vitest';
import { CONNECTORS } from '../../server/src/modules/ingest/connectors/index.ts';
import { runIngest } from '../../server/src/modules/ingest/ingest.service.ts';
import { outboundFetch } from '../../server/src/plugins/outbound.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';

// A test has no public site to talk to: here the server on 127.0.0.1 plays one, and every other
// address keeps the real classification. The server on 127.0.0.2 is the internal one to protect.
vi.mock('../../server/src/plugins/private-address.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../server/src/plugins/private-address.ts')>();
  return { isPrivateAddress: (address: string) => address !== '127.0.0.1' && real.isPrivateAddress(address) };
});

const ctx = useTestDatabase();
const site = useFixtureServer('127.0.0.1');
const internal = useFixtureServer('127.0.0.2');
const strict = { allowPrivateNetworks: false, timeoutMs: 5000, maxBytes: 1_000_000 };
const reached: string[] = [];
const redirect = (path: string, location: () => string) =>
  site.handle(path, (_request, response) => void response.writeHead(302, { location: location() }).end());

describe('redirects', () => {
  it('are followed to a public address, checked again at each hop', async () => {
    site.serve('/bandi.json', '{"items":[]}');
    redirect('/vecchio', () => '/bandi.json');
    const response = await outboundFetch(`${site.url}/vecchio`, strict);
    expect(response).toMatchObject({ status: 200, url: `${site.url}/bandi.json` });
  });

  it('are refused from a public-looking site to loopback, which is never asked', async () => {
    internal.handle(
      '/segreto',
      (_request, response) =>
        void (
          reached.push('/segreto'),
          response.end(JSON.stringify({ items: [{ UID: 'x', title: 'Bando interno', review_state: 'published', apertura_bando: '2026-10-01' }] }))
        ),
    );
    redirect('/spostato', () => `${internal.url}/segreto`);
    await expect(outboundFetch(`${site.url}/spostato`, strict)).rejects.toThrow(
      /^reindirizzamento rifiutato: L’indirizzo 127\.0\.0\.2 è in una rete privata o locale/,
    );
    redirect('/mappato', () => `http://[::ffff:7f00:2]:${new URL(internal.url).port}/segreto`);
    await expect(outboundFetch(`${site.url}/mappato`, strict)).rejects.toThrow(
      /^reindirizzamento rifiutato: L’indirizzo ::ffff:7f00:2 è in una rete privata o locale/,
    );
    redirect('/file', () => 'file:///etc/passwd');
    await expect(outboundFetch(`${site.url}/file`, strict)).rejects.toThrow('reindirizzamento rifiutato: Sono ammessi solo indirizzi http o https.');
    expect(reached).toEqual([]);
  });

  it('to loopback end an ingestion run without reading the internal server', async () => {
    const clock = { now: new Date('2026-11-23T10:00:00Z'), soonDays: 14 };
    const report = await runIngest(ctx.db, clock, {
      connector: CONNECTORS.plone!,
      location: `${site.url}/spostato`,
      limits: { outboundAllowPrivateNetworks: false, ingestMaxBytes: 1_000_000 },
      trusted: true,
    });
    expect(report).toMatchObject({
      status: 'failed',
      seen: 0,
      error: expect.stringMatching(/^fonte illeggibile: reindirizzamento rifiutato: L’indirizzo 127\.0\.0\.2 è in una rete privata o locale/),
    });
    expect(reached).toEqual([]);
  });

  it('stop after a few hops', async () => {
    redirect('/giro', () => '/giro');
    await expect(outboundFetch(`${site.url}/giro`, strict)).rejects.toThrow('troppi reindirizzamenti (più di 5)');
  });
});
