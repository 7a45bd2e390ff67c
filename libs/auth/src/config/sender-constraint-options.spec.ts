import { describe, expect, it } from '@jest/globals';
import { AuthConfigError } from './auth-config-error.js';
import { resolveAuthOptions } from './resolve-auth-options.js';

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
});
