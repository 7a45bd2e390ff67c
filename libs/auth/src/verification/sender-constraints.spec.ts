import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import type { DpopProofOptions } from '../config/sender-constraint-options.js';
import { ReplayStoreUnavailableError, type ReplayStore } from '../revocation/replay-store.js';
import { accessTokenHash } from './dpop/htu.js';
import { SenderConstraints, type PresentedToken } from './sender-constraints.js';
import { TokenVerifier } from './token-verifier.js';
import type { Verification } from './verification.js';

const SECRET = 'x'.repeat(32);
const URL_ = 'https://api.example.com/orders';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

async function setup(dpopProof?: DpopProofOptions, clock: () => number = Date.now) {
  const options = resolveAuthOptions({ secret: SECRET, issuer: 'https://issuer.test', dpop: 'allowed', dpopProof, clock });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const sign = (claims: object) =>
    new SignJWT({ iss: 'https://issuer.test', sub: 'u', exp: Math.floor(Date.now() / 1000) + 60, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
  const verify = async (token: string) => await new TokenVerifier(options).authenticate(token, 'header');
  const proof = (token: string, jti = `j-${Math.random()}`, extra: object = {}, key: { jwk: JWK; privateKey: PrivateKey } = { jwk, privateKey }) =>
    new SignJWT({ jti, htm: 'GET', htu: URL_, iat: Math.floor(clock() / 1000), ath: accessTokenHash(token), ...extra })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(key.privateKey);
  const presented = (dpop: string[], extra: Partial<PresentedToken> = {}): PresentedToken => ({
    scheme: 'dpop',
    dpopProofs: dpop,
    request: { method: 'GET', url: URL_ },
    certificateThumbprint: () => undefined,
    ...extra,
  });
  return { constraints: new SenderConstraints(options.dpop, clock), sign, verify, proof, presented, jkt, options };
}

const reasonOf = async (v: Verification | Promise<Verification>) => (await v).error?.reason ?? 'accepted';

describe('SenderConstraints', () => {
  it('passes an unbound bearer token through synchronously, the same object', async () => {
    const { constraints, sign, verify } = await setup();
    const v = await verify(await sign({}));
    expect(constraints.check(v, { scheme: 'bearer', dpopProofs: [], request: undefined, certificateThumbprint: () => undefined })).toBe(v);
  });

  it('accepts a proof once; on a live connection the proof it proved before is accepted again without a replay check', async () => {
    const { constraints, sign, verify, proof, presented, jkt } = await setup();
    const token = await sign({ cnf: { jkt } });
    const v = await verify(token);
    const p = await proof(token);
    const ok = await constraints.check(v, presented([p]));
    expect(ok).toMatchObject({ scheme: 'dpop', proof: p, error: null });
    expect(await reasonOf(constraints.check(v, presented([p])))).toBe('dpop-proof-replayed');
    expect(await reasonOf(constraints.check(v, presented([p], { provenProof: p })))).toBe('accepted');
  });

  it('refuses DPoP without a method and URL to prove (an RPC message)', async () => {
    const { constraints, sign, verify, proof, presented, jkt } = await setup();
    const token = await sign({ cnf: { jkt } });
    expect(await reasonOf(constraints.check(await verify(token), presented([await proof(token)], { request: undefined })))).toBe('dpop-proof-mismatch');
  });

  it('a replay store that throws anything answers dpop-replay-unavailable (503), never "first use"', async () => {
    const broken: ReplayStore = {
      useOnce: () => {
        throw new Error('boom');
      },
    };
    const { constraints, sign, verify, proof, presented, jkt } = await setup({ replayStore: broken });
    const token = await sign({ cnf: { jkt } });
    expect(await reasonOf(constraints.check(await verify(token), presented([await proof(token)])))).toBe('dpop-replay-unavailable');
    const truthy: ReplayStore = { useOnce: () => 1 as unknown as boolean };
    const second = await setup({ replayStore: truthy });
    const t2 = await second.sign({ cnf: { jkt: second.jkt } });
    expect(await reasonOf(second.constraints.check(await second.verify(t2), second.presented([await second.proof(t2)])))).toBe('dpop-proof-replayed');
  });

  it('a token bound both ways needs both proofs', async () => {
    const { constraints, sign, verify, proof, presented, jkt } = await setup();
    const x5t = 'A'.repeat(43);
    const token = await sign({ cnf: { jkt, 'x5t#S256': x5t } });
    const v = await verify(token);
    expect(await reasonOf(constraints.check(v, presented([await proof(token)])))).toBe('mtls-certificate-missing');
    expect(await reasonOf(constraints.check(v, presented([await proof(token)], { certificateThumbprint: () => x5t })))).toBe('accepted');
  });

  it('refuses each way with its own reason and message, keeping the token, its source, issuer and scheme', async () => {
    const { constraints, sign, verify, proof, presented, jkt } = await setup();
    const x5t = 'A'.repeat(43);
    const other = await generateKeyPair('ES256');
    const otherKey = { jwk: await exportJWK(other.publicKey), privateKey: other.privateKey };
    const mtls = await verify(await sign({ cnf: { 'x5t#S256': x5t } }));
    const boundToken = await sign({ cnf: { jkt } });
    const bound = await verify(boundToken);
    const unbound = await verify(await sign({}));
    const refusal = async (v: Verification, how: PresentedToken) => {
      const { error, tokenPresent, token, source, issuer, scheme } = await constraints.check(v, how);
      expect({ tokenPresent, token, source, issuer, scheme }).toEqual({
        tokenPresent: true,
        token: v.token,
        source: v.source,
        issuer: v.issuer,
        scheme: how.scheme,
      });
      return [error?.reason, error?.message];
    };
    const bearer = presented([], { scheme: 'bearer' });
    expect(await refusal(mtls, bearer)).toEqual(['mtls-certificate-missing', 'the token is bound to a client certificate and none was presented']);
    for (const thumbprint of ['B'.repeat(43), 'A'.repeat(42)]) {
      expect(await refusal(mtls, { ...bearer, certificateThumbprint: () => thumbprint })).toEqual([
        'mtls-certificate-mismatch',
        'the client certificate is not the one the token is bound to',
      ]);
    }
    expect(await refusal(bound, bearer)).toEqual(['dpop-bound-token-as-bearer', 'a DPoP-bound token was sent as a bearer token']);
    expect(await refusal(unbound, presented([]))).toEqual(['dpop-key-mismatch', 'the token sent under DPoP is not bound to a key']);
    expect(await refusal(bound, presented([]))).toEqual(['dpop-proof-missing', 'no DPoP proof']);
    const [p1, p2] = [await proof(boundToken), await proof(boundToken)];
    expect(await refusal(bound, presented([p1, p2]))).toEqual(['dpop-proof-invalid', 'several DPoP proofs']);
    expect(await refusal(bound, presented([p1], { request: undefined }))).toEqual(['dpop-proof-mismatch', 'the transport has no HTTP method and URL to prove']);
    expect(await refusal(bound, presented([await proof(boundToken, 'j-other-key', {}, otherKey)]))).toEqual([
      'dpop-key-mismatch',
      'the DPoP proof key is not the key the token is bound to',
    ]);
    expect(await refusal(bound, presented([p1]))).toEqual([undefined, undefined]);
    expect(await refusal(bound, presented([p1]))).toEqual(['dpop-proof-replayed', 'the DPoP proof was used before']);
  });

  it('says what the replay store could not do, with its Retry-After', async () => {
    const unavailable = await setup({
      replayStore: {
        useOnce: () => {
          throw new ReplayStoreUnavailableError('down', 7);
        },
      },
    });
    const token = await unavailable.sign({ cnf: { jkt: unavailable.jkt } });
    const { error } = await unavailable.constraints.check(await unavailable.verify(token), unavailable.presented([await unavailable.proof(token)]));
    expect([error?.reason, error?.message, error?.retryAfterSeconds]).toEqual(['dpop-replay-unavailable', 'the replay store cannot tell', 7]);
    const failing = await setup({ replayStore: { useOnce: () => Promise.reject(new Error('boom')) } });
    const t2 = await failing.sign({ cnf: { jkt: failing.jkt } });
    const second = await failing.constraints.check(await failing.verify(t2), failing.presented([await failing.proof(t2)]));
    expect([second.error?.reason, second.error?.message]).toEqual(['dpop-replay-unavailable', 'the replay store failed']);
  });

  it('keeps a proof in the replay store for as long as its iat could still pass, on a replica whose clock is behind by the skew', async () => {
    const now = Date.now();
    const kept: Array<[string, number]> = [];
    const { constraints, sign, verify, proof, presented, jkt } = await setup(
      { maxAgeInMs: 60_000, clockSkewInMs: 3000, replayStore: { useOnce: (key, ttl) => kept.push([key, ttl]) > 0 } },
      () => now,
    );
    const token = await sign({ cnf: { jkt } });
    expect(await reasonOf(constraints.check(await verify(token), presented([await proof(token, 'j-ttl')])))).toBe('accepted');
    // iat (whole seconds) + maxAge + twice the skew - now
    expect(kept).toEqual([[`${jkt}:j-ttl`, Math.floor(now / 1000) * 1000 + 60_000 + 6000 - now]]);
  });

  it('with server nonces, accepts a proof that carries the current one and asks for it otherwise', async () => {
    const { constraints, sign, verify, proof, presented, jkt, options } = await setup({ nonce: { secret: 'n'.repeat(32) } });
    const token = await sign({ cnf: { jkt } });
    const v = await verify(token);
    const nonce = options.dpop.nonces?.current(Date.now());
    expect(nonce).toEqual(expect.any(String));
    expect(await reasonOf(constraints.check(v, presented([await proof(token, undefined, { nonce })])))).toBe('accepted');
    expect(await reasonOf(constraints.check(v, presented([await proof(token)])))).toBe('dpop-nonce-required');
  });
});
