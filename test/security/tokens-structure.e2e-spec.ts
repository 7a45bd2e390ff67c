import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthErrorReason } from 'nestjs-warden';
import { AUTH_DEFAULTS } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS } from '../support/http-app.js';
import { startJwksServer, type JwksServer } from '../support/jwks-server.js';
import { createSecurityFixture, type SecurityFixture } from '../support/security-fixture.js';
import { b64u, claimsAt, forge } from '../support/token-forge.js';

const MAX_AGE = AUTH_DEFAULTS.jwksCacheMaxAgeInMs;
const stranger = createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-1' });

describe.each(ADAPTERS)('hostile tokens (structure and keys) on %s', (adapter) => {
  let f: SecurityFixture;
  let elsewhere: JwksServer;
  const revoked = new Set<string>();

  beforeAll(async () => {
    f = await createSecurityFixture(adapter, { debug: true, isRevoked: (claims) => revoked.has(String(claims.sid)) });
    elsewhere = await startJwksServer();
    elsewhere.setKeys([f.signer.publicJwk]);
  });
  afterAll(async () => {
    await f.close();
    await elsewhere.close();
  });

  const rs = (header: unknown, payload: unknown = claimsAt(f.clock.now)): string => forge(header, payload, { alg: 'RS256', key: f.signer.privateKey });
  const head = (extra: Record<string, unknown> = {}) => ({ alg: 'RS256', kid: 'key-1', typ: 'JWT', ...extra });
  const refused = async (token: string, reason?: string) => {
    const res = await f.get(token);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    if (reason) expect(res.body.reason).toBe(reason);
    return res;
  };
  /** Refused, and no key lookup at all: the cache is made stale first, so any lookup would fetch. */
  const refusedWithoutFetch = async (makeToken: () => string | Promise<string>, reason?: string) => {
    f.clock.advance(MAX_AGE);
    const before = f.server.requests;
    await refused(await makeToken(), reason);
    expect(f.server.requests).toBe(before);
    // Control: a valid token now does fetch, so the assertion above could have failed.
    expect((await f.get(await f.sign())).status).toBe(200);
    expect(f.server.requests).toBe(before + 1);
  };

  it('control: a valid token is accepted', async () => {
    const res = await f.get(rs(head()));
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe('user_1');
  });

  it('token #1: missing, empty, bare Bearer, another scheme: signed out, challenge without error', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer   ' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ]) {
      const res = await f.send(headers, null);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    }
  });

  it('token #2: 2, 4 and 5 segments', async () => {
    const [h, p, s] = rs(head()).split('.');
    for (const token of [`${h}.${p}`, `${h}.${p}.${s}.${s}`, `${b64u({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${p}.${s}.${p}.${s}`]) {
      await refused(token);
    }
  });

  it('token #3: characters outside base64url, broken base64url', async () => {
    const [h, p, s] = rs(head()).split('.');
    const variants = [
      `${h}.${p}+.${s}`,
      `${h}.${p}.${s.slice(0, -2)}/a`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}é.${s}`,
      `a.${p}.${s}`,
      `${h}.${p.slice(0, -1)}.${s}`,
      `${h.slice(1)}.${p}.${s}`,
    ];
    for (const token of variants) await refused(token);
  });

  it('token #4: header or payload not a JSON object', async () => {
    for (const header of [[], null, 'RS256', '{"alg":"RS256"', 42]) {
      await refused(`${typeof header === 'string' ? b64u(header) : b64u(header)}.${b64u(claimsAt(f.clock.now))}.c2ln`);
    }
    for (const payload of [[], null, '"user_1"', '{"sub":"user_1"', 'true']) {
      await refused(rs(head(), payload === null || Array.isArray(payload) ? payload : String(payload)));
    }
  });

  it('token #5: invalid UTF-8 in the claims', async () => {
    const now = Math.floor(f.clock.now / 1000);
    const payload = Buffer.concat([
      Buffer.from('{"iss":"https://issuer.test","sub":"user_'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(`","exp":${now + 60}}`),
    ]);
    await refused(rs(head(), new Uint8Array(payload)), AuthErrorReason.TokenInvalid);
    const header = Buffer.concat([Buffer.from('{"alg":"RS256","kid":"key-1","x":"'), Buffer.from([0xc0, 0x80]), Buffer.from('"}')]);
    await refused(rs(new Uint8Array(header)), AuthErrorReason.TokenInvalid);
  });

  it('token #6: nested JWT (cty: JWT, payload is itself a token)', async () => {
    const inner = await f.sign();
    await refused(rs(head({ cty: 'JWT' }), inner));
    await refused(rs(head({ cty: 'jwt' }), claimsAt(f.clock.now)));
    await refused(rs(head(), inner));
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('token #7: alg %s with an empty signature: refused, no key fetch', async (alg) => {
    await refusedWithoutFetch(
      () => forge({ alg, typ: 'JWT' }, claimsAt(f.clock.now), { signature: '' }).replace(/\.$/, '.AA'),
      AuthErrorReason.TokenInvalidAlgorithm,
    );
    await refused(forge({ alg, typ: 'JWT' }, claimsAt(f.clock.now), { signature: '' }));
  });

  it('token #8: alg missing or not a string', async () => {
    for (const alg of [undefined, 123, null, ['RS256'], { name: 'RS256' }, '']) {
      await refusedWithoutFetch(() => rs({ kid: 'key-1', typ: 'JWT', ...(alg === undefined ? {} : { alg }) }), AuthErrorReason.TokenInvalidAlgorithm);
    }
  });

  it('token #9: HS256 signed with the public key as the HMAC secret: refused, no fetch', async () => {
    for (const secret of [f.signer.publicKeyPem, JSON.stringify(f.signer.publicJwk), f.signer.publicJwk.n as string]) {
      await refusedWithoutFetch(
        () => forge({ alg: 'HS256', kid: 'key-1', typ: 'JWT' }, claimsAt(f.clock.now), { alg: 'HS256', secret }),
        AuthErrorReason.TokenInvalidAlgorithm,
      );
    }
  });

  it('token #11: PS256 signed with the RS256 key', async () => {
    await refused(forge(head({ alg: 'PS256' }), claimsAt(f.clock.now), { alg: 'PS256', key: f.signer.privateKey }));
  });

  it.each(['RSA-OAEP', 'dir', 'HS1', 'ES256K', 'RS1', 'A256GCM'])('token #12: unknown algorithm %s: refused, no fetch', async (alg) => {
    await refusedWithoutFetch(() => rs(head({ alg })), AuthErrorReason.TokenInvalidAlgorithm);
  });

  it('token #13: tampered header or payload, another key, truncated or empty signature', async () => {
    const [h, p, s] = rs(head()).split('.');
    const tamperedHeader = b64u({ ...JSON.parse(Buffer.from(h, 'base64url').toString()), typ: 'at+jwt' });
    const tamperedPayload = b64u({ ...claimsAt(f.clock.now), sub: 'admin' });
    const other = forge(head(), claimsAt(f.clock.now), { alg: 'RS256', key: (await stranger).privateKey });
    await refused(`${tamperedHeader}.${p}.${s}`, AuthErrorReason.TokenInvalidSignature);
    await refused(`${h}.${tamperedPayload}.${s}`, AuthErrorReason.TokenInvalidSignature);
    await refused(other, AuthErrorReason.TokenInvalidSignature);
    await refused(`${h}.${p}.${s.slice(0, -8)}`);
    await refused(`${h}.${p}.`);
    await refused(`${h}.${p}.AA`);
  });

  it('token #16: kid not a string (0, null, {}, []): refused without bypassing key selection', async () => {
    for (const kid of [0, null, {}, [], ['key-1'], true]) {
      await refused(rs({ alg: 'RS256', typ: 'JWT', kid }), AuthErrorReason.TokenInvalid);
    }
  });

  it('token #17: kid with path or SQL text, or unknown: exact opaque match only, never used for I/O', async () => {
    const start = f.server.requests;
    for (const kid of [
      '../../../../etc/passwd',
      "key-1' OR '1'='1",
      'key-1\u0000',
      'KEY-1',
      ' key-1',
      `${elsewhere.jwksUrl}`,
      '/.well-known/openid-configuration',
      'unknown',
    ]) {
      await refused(rs(head({ kid })), AuthErrorReason.KeyNotFound);
    }
    expect(f.server.requests - start).toBeLessThanOrEqual(1);
    expect(f.server.otherRequests + f.server.discoveryRequests).toBe(0);
    expect(elsewhere.requests + elsewhere.otherRequests).toBe(0);
  });

  it('token #18: no kid while the JWKS holds several candidate keys', async () => {
    const second = await createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-2' });
    f.clock.advance(MAX_AGE);
    expect((await f.get(rs({ alg: 'RS256', typ: 'JWT' }))).status).toBe(200); // one candidate: it is the key
    f.server.setKeys([f.signer.publicJwk, second.publicJwk]);
    f.clock.advance(MAX_AGE);
    await refused(rs({ alg: 'RS256', typ: 'JWT' }), AuthErrorReason.KeyNotFound);
    f.server.setKeys([f.signer.publicJwk]);
    f.clock.advance(MAX_AGE);
  });

  it("token #19: embedded jwk with the attacker's key: ignored, refused, no fetch", async () => {
    const attacker = await stranger;
    for (const header of [{ alg: 'RS256', typ: 'JWT', jwk: attacker.publicJwk }, head({ jwk: attacker.publicJwk })]) {
      await refusedWithoutFetch(() => forge(header, claimsAt(f.clock.now), { alg: 'RS256', key: attacker.privateKey }), AuthErrorReason.TokenInvalid);
    }
  });

  it('token #20: jku / x5u / x5c pointing elsewhere: refused, zero outbound requests', async () => {
    const attacker = await stranger;
    const headers = [
      head({ jku: elsewhere.jwksUrl }),
      { alg: 'RS256', typ: 'JWT', jku: elsewhere.jwksUrl },
      head({ x5u: `${elsewhere.origin}/cert.pem` }),
      head({ x5c: [Buffer.from('not a certificate').toString('base64')] }),
    ];
    for (const header of headers) {
      await refusedWithoutFetch(() => forge(header, claimsAt(f.clock.now), { alg: 'RS256', key: attacker.privateKey }), AuthErrorReason.TokenInvalid);
    }
    expect(elsewhere.requests + elsewhere.otherRequests + elsewhere.discoveryRequests).toBe(0);
  });

  it('token #21: crit with unknown names, empty, not an array', async () => {
    for (const crit of [['custom'], [], 'exp', [1], ['kid']]) await refused(rs(head({ crit, custom: 1 })));
  });

  it('token #22: b64: false with crit: ["b64"]', async () => {
    await refused(rs(head({ b64: false, crit: ['b64'] })));
    const raw = JSON.stringify(claimsAt(f.clock.now));
    const [h] = rs(head({ b64: false, crit: ['b64'] })).split('.');
    await refused(`${h}.${raw}.AAAA`);
  });

  it('token #33: oversized token: refused before parsing, no fetch; header and cookie', async () => {
    const limit = AUTH_DEFAULTS.maxTokenBytes;
    const big = async () => f.signer.sign({ pad: 'x'.repeat(limit) }, { now: f.clock.now });
    await refusedWithoutFetch(big, AuthErrorReason.TokenTooLarge);
    await refused('a'.repeat(limit + 1), AuthErrorReason.TokenTooLarge);
    const cookie = await f.send({ cookie: `__session=${'b'.repeat(12 * 1024)}` }, 'b'.repeat(12 * 1024));
    expect(cookie.status).toBe(401);
    expect(cookie.body.reason).toBe(AuthErrorReason.TokenTooLarge);
    for (const size of [16 * 1024, 64 * 1024]) {
      await expect(f.authService.verifyToken('c'.repeat(size))).rejects.toMatchObject({ reason: AuthErrorReason.TokenTooLarge });
    }
    // 16 KiB in a header: Node's own header limit (431) may answer before the app; never a 500.
    const huge = await request(f.app.getHttpServer())
      .get('/private')
      .set('authorization', `Bearer ${'d'.repeat(16 * 1024)}`);
    expect([401, 431]).toContain(huge.status);
  });

  it('token #34: expired AND badly signed: the signature error wins', async () => {
    const past = f.clock.now - 3600_000;
    const claims = claimsAt(past);
    await refused(forge(head(), claims, { alg: 'RS256', key: (await stranger).privateKey }), AuthErrorReason.TokenInvalidSignature);
    await refused(rs(head(), claims), AuthErrorReason.TokenExpired);
  });

  it('token #35: a re-encoded token may verify; a deny-list keyed on claims catches both spellings', async () => {
    const token = rs(head(), claimsAt(f.clock.now, { sid: 'sess_reencoded' }));
    const [h, p, s] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = `${h}.${p}.${s.slice(0, -1)}${alphabet[alphabet.indexOf(s.at(-1) as string) ^ 1]}`;
    expect(twin).not.toBe(token);
    expect(Buffer.from(twin.split('.')[2], 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    const res = await f.get(twin);
    expect([200, 401]).toContain(res.status);
    if (res.status === 200) expect(res.body.userId).toBe('user_1');
    revoked.add('sess_reencoded');
    await refused(token, AuthErrorReason.TokenRevoked);
    const again = await f.get(twin);
    expect(again.status).toBe(401);
  });
});
