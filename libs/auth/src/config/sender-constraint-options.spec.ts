import { describe, expect, it } from '@jest/globals';
import { memoryReplayStore } from '../revocation/memory-replay-store.js';
import { DpopNonces } from '../verification/dpop/dpop-nonces.js';
import { AuthConfigError } from './auth-config-error.js';
import { resolveAuthOptions } from './resolve-auth-options.js';
import { resolveDpop, resolveMtls } from './sender-constraint-options.js';

const base = { secret: 'x'.repeat(32), issuer: 'https://issuer.test' };
const fails = (options: object, option: string) => {
  let error: unknown;
  try {
    resolveAuthOptions({ ...base, ...options });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AuthConfigError);
  expect((error as AuthConfigError).message).toContain(option);
};

describe('dpop, mtls, dpopProof, clientCertificate', () => {
  it('defaults: both off; proofs from every asymmetric algorithm, 5 min window, 5 s skew, no nonce, a memory replay store', () => {
    const resolved = resolveAuthOptions(base);
    expect(resolved.dpop).toMatchObject({ mode: 'off', maxAgeInMs: 300_000, clockSkewInMs: 5000, nonces: null, publicOrigin: undefined });
    expect(resolved.dpop.algorithms).toContain('ES256');
    expect(resolved.dpop.algorithms).not.toContain('HS256');
    expect(typeof resolved.dpop.replayStore.useOnce).toBe('function');
    expect(resolved.mtls).toEqual({ mode: 'off', header: undefined, trustedProxies: undefined });
    expect(resolved.issuers.entries[0]).toMatchObject({ dpop: 'off', mtls: 'off' });
  });

  it('modes per module and per issuer entry; the module mode of several issuers is the default of each entry', () => {
    expect(resolveAuthOptions({ ...base, dpop: 'required', mtls: 'allowed' }).issuers.entries[0]).toMatchObject({ dpop: 'required', mtls: 'allowed' });
    const several = resolveAuthOptions({
      dpop: 'allowed',
      issuers: [
        { secret: 'a'.repeat(32), issuer: 'https://a.test' },
        { secret: 'b'.repeat(32), issuer: 'https://b.test', dpop: 'required' },
      ],
    });
    expect(several.dpop.mode).toBe('allowed');
    expect(several.issuers.entries.map((e) => e.dpop)).toEqual(['allowed', 'required']);
  });

  it('keeps the public origin as an origin', () => {
    expect(resolveAuthOptions({ ...base, dpopProof: { publicOrigin: 'HTTPS://API.example.com:443/' } }).dpop.publicOrigin).toBe('https://api.example.com');
  });

  it.each([
    [{ dpop: 'on' }, 'dpop'],
    [{ secret: undefined, issuer: undefined, issuers: [{ secret: 'a'.repeat(32), issuer: 'https://a.test', mtls: true }] }, 'issuers[0].mtls'],
    [{ dpopProof: { algorithms: ['HS256'] } }, 'dpopProof.algorithms'],
    [{ dpopProof: { algorithms: [] } }, 'dpopProof.algorithms'],
    [{ dpopProof: { maxAgeInMs: 10 } }, 'dpopProof.maxAgeInMs'],
    [{ dpopProof: { nonce: { secret: 'short' } } }, 'dpopProof.nonce.secret'],
    [{ dpopProof: { nonce: { secret: 's'.repeat(32), rotation: 1 } } }, 'dpopProof.nonce.rotation'],
    [{ dpopProof: { replayStore: {} } }, 'dpopProof.replayStore'],
    [{ dpopProof: { publicOrigin: 'https://api.example.com/v1' } }, 'dpopProof.publicOrigin'],
    [{ dpopProof: { publicOrigin: 'api.example.com' } }, 'dpopProof.publicOrigin'],
    [{ dpopProof: { publicorigin: 'https://a' } }, 'dpopProof.publicorigin'],
    [{ clientCertificate: { header: 'x-client-cert' } }, 'clientCertificate.trustedProxies'],
    [{ clientCertificate: { header: 'x-client-cert', trustedProxies: [] } }, 'clientCertificate.trustedProxies'],
    [{ clientCertificate: { header: 'x-client-cert', trustedProxies: ['10.0.0.0/33'] } }, 'clientCertificate.trustedProxies'],
    [{ clientCertificate: { header: 'x-client-cert', trustedProxies: ['proxy.internal'] } }, 'clientCertificate.trustedProxies'],
    [{ clientCertificate: { header: 'bad header', trustedProxies: ['10.0.0.1'] } }, 'clientCertificate.header'],
  ])('%p stops the boot naming %s', (options, option) => fails(options, option));

  it('takes addresses and CIDR ranges of both families for trusted proxies', () => {
    const { mtls } = resolveAuthOptions({
      ...base,
      clientCertificate: { header: 'X-Client-Cert', trustedProxies: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1'] },
    });
    expect(mtls.header).toBe('x-client-cert');
    expect(mtls.trustedProxies?.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(mtls.trustedProxies?.check('11.1.2.3', 'ipv4')).toBe(false);
    expect(mtls.trustedProxies?.check('fd12::1', 'ipv6')).toBe(true);
  });

  it('takes every dpopProof option at its boundary, dropping repeated algorithms', () => {
    const replayStore = memoryReplayStore();
    const resolved = resolveDpop(
      {
        algorithms: ['ES256', 'EdDSA', 'ES256'],
        maxAgeInMs: 1000,
        clockSkewInMs: 0,
        nonce: { secret: 's'.repeat(32), rotationInMs: 1000 },
        replayStore,
        publicOrigin: 'http://localhost:3000',
      },
      'required',
    );
    expect(resolved).toEqual({
      mode: 'required',
      algorithms: ['ES256', 'EdDSA'],
      maxAgeInMs: 1000,
      clockSkewInMs: 0,
      nonces: expect.any(DpopNonces),
      replayStore,
      publicOrigin: 'http://localhost:3000',
    });
    expect(resolved.replayStore).toBe(replayStore);
  });

  it.each<[string, string | Uint8Array]>([
    ['32 characters', 's'.repeat(32)],
    ['32 bytes', new Uint8Array(32).fill(115)],
    ['16 two-byte characters', 'é'.repeat(16)],
  ])('takes a nonce secret of %s', (_, secret) => {
    expect(resolveDpop({ nonce: { secret } }, 'allowed').nonces).toBeInstanceOf(DpopNonces);
  });

  it('hands the nonces their rotation (default 5 min), the secret as bytes and the clock skew', () => {
    const nonces = (rotationInMs: number | undefined, clockSkewInMs: number | undefined, secret: string | Uint8Array = 's'.repeat(32)) =>
      resolveDpop({ clockSkewInMs, nonce: { secret, rotationInMs } }, 'allowed').nonces as DpopNonces;
    expect(nonces(undefined, undefined).current(600_000)).toMatch(/^2\./);
    expect(nonces(1000, undefined).current(5000)).toMatch(/^5\./);
    expect(nonces(1000, undefined, new Uint8Array(32).fill(115)).current(5000)).toBe(nonces(1000, undefined).current(5000));
    // A nonce of the next period, 1 ms before it starts: within the default 5 s skew, not within none.
    expect(nonces(1000, undefined).isValid(nonces(1000, undefined).current(2000), 1999)).toBe(true);
    expect(nonces(1000, 0).isValid(nonces(1000, 0).current(2000), 1999)).toBe(false);
  });

  it.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://api.example.com:8443', 'https://api.example.com:8443'],
  ])('takes the public origin %s as %s', (publicOrigin, origin) => {
    expect(resolveDpop({ publicOrigin }, 'allowed').publicOrigin).toBe(origin);
  });

  it('leaves mTLS to the TLS connection without clientCertificate, in the module mode', () => {
    expect(resolveMtls(undefined, 'required')).toEqual({ mode: 'required', header: undefined, trustedProxies: undefined });
  });

  // Each prefix at its bounds: 0 and the family's maximum (32, 128) are accepted.
  it.each([
    ['10.0.0.7', 'ipv4', '10.0.0.7', '10.0.0.8'],
    ['10.0.0.7/32', 'ipv4', '10.0.0.7', '10.0.0.8'],
    ['0.0.0.0/0', 'ipv4', '203.0.113.9', 'none'],
    ['fd00::/64', 'ipv6', 'fd00::1', 'fd00:0:0:1::1'],
    ['fd00::1/128', 'ipv6', 'fd00::1', 'fd00::2'],
    ['::/0', 'ipv6', '2001:db8::1', 'none'],
  ] as const)('trusts the proxies %s (%s): %s in, %s out', (entry, family, inside, outside) => {
    const { mode, header, trustedProxies } = resolveMtls({ header: 'SSL-Client-Cert-2', trustedProxies: [entry] }, 'allowed');
    expect([mode, header]).toEqual(['allowed', 'ssl-client-cert-2']);
    expect(trustedProxies?.check(inside, family)).toBe(true);
    if (outside !== 'none') expect(trustedProxies?.check(outside, family)).toBe(false);
  });
});
