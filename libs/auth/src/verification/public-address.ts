import { BlockList, isIP } from 'node:net';

// The special-purpose ranges of the IANA registries (RFC 6890 and successors) that are not the
// public internet: loopback, private, shared (CGNAT), link-local (cloud metadata at 169.254.169.254),
// unique-local, documentation, benchmarking, multicast, reserved. BlockList matches an IPv4-mapped
// IPv6 address (::ffff:10.0.0.1) against the IPv4 ranges too.
const IPV4_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const IPV6_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['::', 128],
  ['::1', 128],
  // IPv4-compatible addresses (deprecated): nothing public is reached that way.
  ['::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  // Teredo hides an IPv4 address; documentation.
  ['2001::', 32],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of IPV4_RANGES) NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of IPV6_RANGES) NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/**
 * Whether `address` (an IP address, v4 or v6, as `dns.lookup` gives it) is on the public internet:
 * false for loopback, private, shared, link-local, unique-local, documentation, multicast and
 * reserved ranges, for an IPv4-mapped IPv6 address of any of them, for NAT64 (64:ff9b::/96) and
 * 6to4 (2002::/16) addresses that embed one, and for anything that is not an IP address.
 *
 * @example
 * isPublicAddress('169.254.169.254') // false: the cloud metadata service
 * isPublicAddress('::ffff:127.0.0.1') // false
 * isPublicAddress('93.184.215.14')    // true
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (NOT_PUBLIC.check(address, 'ipv6')) return false;
  const embedded = embeddedIpv4(address);
  return embedded === undefined || !NOT_PUBLIC.check(embedded, 'ipv4');
}

/** The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries; undefined for others. */
function embeddedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  const quad = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return quad(groups[6], groups[7]);
  if (groups[0] === 0x2002) return quad(groups[1], groups[2]);
  return undefined;
}

/**
 * The eight 16-bit groups of an address `isIP` has found to be IPv6 (so nothing here needs
 * checking again): the zone dropped, `::` and a trailing dotted quad expanded.
 */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*/, '');
  // Stryker disable next-line Regex: dropping the $ changes nothing, as a dotted quad can only end an IPv6 address (the other regex mutants of this line fail the NAT64 rows of public-address.spec, checked by hand)
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail = ''] = text.split('::');
  // Stryker disable next-line ArrayDeclaration: head is empty only for an address that starts with ::, whose first group is 0 either way, so it is never NAT64 or 6to4
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}
