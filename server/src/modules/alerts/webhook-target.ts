import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

const PRIVATE = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) PRIVATE.addSubnet(network, prefix, 'ipv6');

function isPrivate(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Why a webhook cannot be sent to this address (in Italian), or null: http(s) only, no credentials
 * in the URL, and, unless allowed, nothing that resolves to loopback or a private network.
 */
export async function webhookTargetProblem(raw: string, allowPrivateNetworks: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Indirizzo non valido: serve un URL completo, ad esempio https://esempio.it/webhook.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Sono ammessi solo indirizzi http o https.';
  if (url.username || url.password) return 'Non inserire credenziali nell’indirizzo: la firma HMAC autentica ogni consegna.';
  if (allowPrivateNetworks) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `Il nome ${host} non si risolve in nessun indirizzo.`;
  }
  if (addresses.some(isPrivate)) return `L’indirizzo ${host} è in una rete privata o locale: non raggiungibile dai webhook (WEBHOOKS_ALLOW_PRIVATE_NETWORKS).`;
  return null;
}
