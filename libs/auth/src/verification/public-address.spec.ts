import { describe, expect, it } from '@jest/globals';
import { isPublicAddress } from './public-address.js';

describe('isPublicAddress', () => {
  it.each([
    ['93.184.215.14'],
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['172.32.0.1'],
    ['100.128.0.1'],
    ['2606:4700:4700::1111'],
    ['2001:4860:4860::8888'],
    ['::ffff:8.8.8.8'],
    ['::ffff:808:808'],
    ['64:ff9b::808:808'],
    ['2002:808:808::1'],
    // NAT64 and 6to4 of a public address, written out, dotted, with a zone
    ['64:ff9b::8.8.8.8'],
    ['64:ff9b::93.184.215.14'],
    ['64:ff9b::8.8.8.8%eth0'],
    ['64:ff9b:0:0:0:0:808:808'],
    ['2002:808:808:0:0:0:0:1'],
    // zero groups where NAT64 keeps them, a 64 or 64:ff9b prefix alone: none carries an IPv4 address
    ['2600:1f18::a00:1'],
    ['64:1::a00:1'],
    ['1:ff9b::a00:1'],
    ['64:ff9b:0:1::a00:1'],
  ])('takes %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    // IPv4: this network, private, shared (CGNAT), loopback, link-local (cloud metadata), reserved
    ['0.0.0.0'],
    ['10.1.2.3'],
    ['100.64.0.1'],
    ['127.0.0.1'],
    ['127.255.255.254'],
    ['169.254.169.254'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.0.0.8'],
    ['192.0.2.1'],
    ['192.168.1.1'],
    ['198.18.0.1'],
    ['198.51.100.7'],
    ['203.0.113.9'],
    ['224.0.0.1'],
    ['255.255.255.255'],
    // IPv6: unspecified, loopback, IPv4-compatible, unique-local, link-local, site-local, multicast, documentation, Teredo
    ['::'],
    ['::1'],
    ['::127.0.0.1'],
    ['fc00::1'],
    ['fd12:3456:789a::1'],
    ['fe80::1'],
    ['fe80::1%eth0'],
    ['fec0::1'],
    ['ff02::1'],
    ['2001:db8::1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['100::1'],
    ['64:ff9b:1::a00:1'],
    // IPv4-mapped, NAT64 and 6to4 addresses of private ones
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::ffff:169.254.169.254'],
    ['::ffff:10.0.0.1'],
    ['64:ff9b::a00:1'],
    ['64:ff9b::127.0.0.1'],
    ['64:ff9b:0:0:0:0:a00:1'],
    ['64:ff9b::10.0.0.1%eth0'],
    ['2002:a00:1:0:0:0:0:1'],
    ['2002:a00:1::1'],
    ['2002:7f00:1::'],
    // not an address
    ['localhost'],
    [''],
    ['example.com'],
    ['1.2.3'],
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});
