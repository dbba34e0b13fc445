import { BlockList, isIP } from 'node:net';

const IPV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 3], // multicast, reserved, broadcast
] as const)
  IPV4.addSubnet(network, prefix, 'ipv4');

const IPV6 = new BlockList();
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some)
  ['ff00::', 8], // multicast
] as const)
  IPV6.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a dotted IPv4 tail converted. */
function groupsOf(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parts = (side: string | undefined) => (side ? side.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, tail] = text.split('::');
  if (tail === undefined) return parts(head);
  const [before, after] = [parts(head), parts(tail)];
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * The IPv4 address an IPv6 one carries and leads to: mapped `::ffff:a.b.c.d` (also written
 * `::ffff:7f00:1`), translated `::ffff:0:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4.
 */
function embeddedIpv4(groups: number[]): string | null {
  const g = (i: number) => groups[i] ?? 0;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  if (zeros(0, 5) && (g(5) === 0xffff || g(5) === 0)) return ipv4(g(6), g(7));
  if (zeros(0, 4) && g(4) === 0xffff && g(5) === 0) return ipv4(g(6), g(7));
  if (g(0) === 0x64 && g(1) === 0xff9b && zeros(2, 6)) return ipv4(g(6), g(7));
  if (g(0) === 0x2002) return ipv4(g(1), g(2));
  return null;
}

/**
 * Whether an address is one the server must not send requests to on someone else's behalf:
 * loopback, private, link-local, carrier-grade NAT, unique-local, multicast, unspecified, and any
 * IPv6 form that embeds such an IPv4 address. Anything that is not an IP address counts as private.
 */
export function isPrivateAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 4) return IPV4.check(plain, 'ipv4');
  if (family !== 6) return true;
  const ipv4 = embeddedIpv4(groupsOf(plain));
  return ipv4 !== null ? IPV4.check(ipv4, 'ipv4') : IPV6.check(plain, 'ipv6');
}
