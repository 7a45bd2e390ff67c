import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import type { ReplayStore } from '../revocation/replay-store.js';
import { accessTokenHash } from './dpop/htu.js';
import { SenderConstraints, type PresentedToken } from './sender-constraints.js';
import { TokenVerifier } from './token-verifier.js';
import type { Verification } from './verification.js';

const SECRET = 'x'.repeat(32);
const URL_ = 'https://api.example.com/orders';

async function setup(replayStore?: ReplayStore) {
  const options = resolveAuthOptions({ secret: SECRET, issuer: 'https://issuer.test', dpop: 'allowed', dpopProof: replayStore ? { replayStore } : undefined });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const sign = (claims: object) =>
    new SignJWT({ iss: 'https://issuer.test', sub: 'u', exp: Math.floor(Date.now() / 1000) + 60, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
  const verify = async (token: string) => await new TokenVerifier(options).authenticate(token, 'header');
  const proof = (token: string, jti = `j-${Math.random()}`) =>
    new SignJWT({ jti, htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(token) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
  const presented = (dpop: string[], extra: Partial<PresentedToken> = {}): PresentedToken => ({
    scheme: 'dpop',
    dpopProofs: dpop,
    request: { method: 'GET', url: URL_ },
    certificateThumbprint: () => undefined,
    ...extra,
  });
  return { constraints: new SenderConstraints(options.dpop, Date.now), sign, verify, proof, presented, jkt };
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
    const { constraints, sign, verify, proof, presented, jkt } = await setup(broken);
    const token = await sign({ cnf: { jkt } });
    expect(await reasonOf(constraints.check(await verify(token), presented([await proof(token)])))).toBe('dpop-replay-unavailable');
    const truthy: ReplayStore = { useOnce: () => 1 as unknown as boolean };
    const second = await setup(truthy);
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
});
