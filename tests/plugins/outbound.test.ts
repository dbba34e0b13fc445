import { describe, expect, it } from 'vitest';
import { postWebhook } from '../../server/src/modules/alerts/webhooks.sender.ts';
import { OutboundError, outboundFetch, type OutboundRequest } from '../../server/src/plugins/outbound.ts';
import { isPrivateAddress } from '../../server/src/plugins/private-address.ts';
import { excerpt } from '../../server/src/shared/excerpt.ts';
import { useFixtureServer } from '../helpers/fixture-server.ts';

const fixtures = useFixtureServer();
const strict: OutboundRequest = { allowPrivateNetworks: false, timeoutMs: 5000, maxBytes: 1_000_000 };
const requested: string[] = [];
const count = (path: string) => fixtures.handle(path, (request, response) => void (requested.push(path), response.end('{"items":[]}')));

describe('the private-network classifier', () => {
  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback, elsewhere in 127/8', '127.1.2.3'],
    ['private 10/8', '10.0.0.1'],
    ['private 172.16/12', '172.31.255.255'],
    ['private 192.168/16', '192.168.1.1'],
    ['link-local, cloud metadata', '169.254.169.254'],
    ['carrier-grade NAT 100.64/10', '100.64.0.1'],
    ['carrier-grade NAT, top', '100.127.255.255'],
    ['unspecified', '0.0.0.0'],
    ['multicast', '224.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 loopback in brackets', '[::1]'],
    ['IPv6 unique-local fc00::/7', 'fd12:3456::1'],
    ['IPv6 unique-local, low end', 'fc00::1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex form', '::ffff:7f00:1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-mapped metadata, hex form', '::ffff:a9fe:a9fe'],
    ['IPv4-compatible loopback', '::127.0.0.1'],
    ['IPv4-compatible loopback, hex form', '::7f00:1'],
    ['IPv4-translated loopback', '::ffff:0:127.0.0.1'],
    ['NAT64 of loopback', '64:ff9b::127.0.0.1'],
    ['NAT64 of metadata, hex form', '64:ff9b::a9fe:a9fe'],
    ['NAT64 of a private address', '64:ff9b::10.1.2.3'],
    ['local-use NAT64', '64:ff9b:1::8.8.8.8'],
    ['6to4 of loopback', '2002:7f00:1::1'],
    ['a name, not an address', 'localhost'],
  ])('refuses %s (%s)', (_label, address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '100.128.0.1', '172.32.0.1', '2606:2800::1', '2a00:1450:4002::200e', '::ffff:93.184.216.34', '64:ff9b::93.184.216.34'])(
    'accepts the public address %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('outboundFetch', () => {
  it.each([
    'http://[::127.0.0.1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://0.0.0.0/',
    'http://0/',
    'http://2130706433/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
  ])('refuses %s before connecting, saying why', async (url) => {
    await expect(outboundFetch(url, strict)).rejects.toThrow(
      /è in una rete privata o locale: il Cruscotto non vi invia richieste \(OUTBOUND_ALLOW_PRIVATE_NETWORKS\)/,
    );
  });

  it('refuses anything but http(s)', async () => {
    await expect(outboundFetch('file:///etc/passwd', { ...strict, allowPrivateNetworks: true })).rejects.toThrow('Sono ammessi solo indirizzi http o https.');
  });

  it('checks the address a name resolves to when it connects, and reaches it only when allowed', async () => {
    count('/by-name');
    const port = new URL(fixtures.url).port;
    const refused = outboundFetch(`http://localhost:${port}/by-name`, strict);
    await expect(refused).rejects.toBeInstanceOf(OutboundError);
    await expect(refused).rejects.toThrow(/^L’indirizzo localhost \((127\.0\.0\.1|::1)\) è in una rete privata o locale/);
    expect(requested).toEqual([]);
    const allowed = await outboundFetch(`${fixtures.url}/by-name`, { ...strict, allowPrivateNetworks: true });
    expect(allowed.status).toBe(200);
    expect(requested).toEqual(['/by-name']);
  });

  it('gives up when the answer does not come in time', async () => {
    fixtures.handle('/slow', (_request, response) => void response.writeHead(200).write('{'));
    await expect(outboundFetch(`${fixtures.url}/slow`, { ...strict, allowPrivateNetworks: true, timeoutMs: 300 })).rejects.toThrow(
      'nessuna risposta completa entro 0,3 s',
    );
  });

  it('refuses at once an answer that announces more than the cap', async () => {
    fixtures.serve('/big', 'x'.repeat(20_000), 'text/plain');
    await expect(outboundFetch(`${fixtures.url}/big`, { ...strict, allowPrivateNetworks: true, maxBytes: 10_000 })).rejects.toThrow(
      'la risposta supera il limite di 10.000 byte: lettura interrotta',
    );
  });
});

describe('webhook deliveries', () => {
  it('go through the same guard when they connect', async () => {
    count('/hook');
    requested.length = 0;
    const port = new URL(fixtures.url).port;
    const delivery = { url: `http://localhost:${port}/hook`, secret: 's'.repeat(32), event: 'ping', deliveryId: 'prova', body: '{}' };
    await expect(postWebhook({ ...delivery, allowPrivateNetworks: false })).rejects.toThrow(/rete privata o locale/);
    expect(requested).toEqual([]);
    expect(await postWebhook({ ...delivery, allowPrivateNetworks: true })).toBe(200);
  });
});

describe('excerpt', () => {
  it('keeps a short single line of outside text, without control characters', () => {
    expect(excerpt('root:x:0:0\n\u001b[31mrosso\u0000\u202e')).toBe('root:x:0:0 [31mrosso');
    expect(Array.from(excerpt('à'.repeat(500)))).toHaveLength(200);
    expect(excerpt('à'.repeat(500)).endsWith('…')).toBe(true);
  });
});
