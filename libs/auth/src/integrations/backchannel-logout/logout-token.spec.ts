import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { resolveAuthOptions } from '../../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../../testing/test-issuer.js';
import { createKeySource } from '../../verification/key-sources.js';
import { AuthError, AuthErrorReason } from '../../auth.errors.js';
import { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenError, verifyLogoutToken, type LogoutTokenRules } from './logout-token.js';

const CLIENT = 'orders-spa';
const NOW = 1_800_000_000;

describe('verifyLogoutToken (Back-Channel Logout 1.0, section 2.6)', () => {
  let issuer: TestIssuer;
  let rules: LogoutTokenRules;
  let stranger: CryptoKey;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://idp.example.com' });
    stranger = (await generateKeyPair('RS256')).privateKey;
    const entry = resolveAuthOptions({ jwks: issuer.jwks, issuer: issuer.issuer }).issuers.entries[0];
    const keySource = createKeySource(entry);
    rules = {
      issuers: [issuer.issuer],
      verifierFor: () => ({ options: entry, keySource }),
      audience: [CLIENT],
      requireLogoutTyp: false,
      revokeBy: 'sid',
      maxTokenAgeInSeconds: 120,
      clock: () => NOW * 1000,
    };
  });

  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: issuer.issuer,
    aud: CLIENT,
    iat: NOW - 5,
    exp: NOW + 115,
    jti: 'jti_1',
    sid: 'sid_1',
    sub: 'user_1',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...extra,
  });
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = { typ: 'logout+jwt' }, key: CryptoKey = issuer.privateKey) =>
    new SignJWT(JSON.parse(JSON.stringify(payload)) as Record<string, unknown>).setProtectedHeader({ alg: 'RS256', kid: issuer.kid, ...header }).sign(key);
  const refused = async (token: unknown, with_ = rules): Promise<string> => {
    try {
      await verifyLogoutToken(token, with_);
    } catch (error) {
      if (error instanceof LogoutTokenError) return error.message;
      throw error;
    }
    throw new Error('accepted');
  };

  it('a logout token naming a session revokes it by issuer and sid; one naming only a user, every session of the user', async () => {
    const event = await verifyLogoutToken(await sign(claims()), rules);
    expect(event).toEqual({
      iss: issuer.issuer,
      sid: 'sid_1',
      sub: 'user_1',
      jti: 'jti_1',
      iat: NOW - 5,
      revoked: { iss: issuer.issuer, sid: 'sid_1' },
      acceptableUntil: NOW + 120,
    });
    const userOnly = await verifyLogoutToken(await sign(claims({ sid: undefined })), rules);
    expect(userOnly).toStrictEqual({
      iss: issuer.issuer,
      sub: 'user_1',
      jti: 'jti_1',
      iat: NOW - 5,
      revoked: { iss: issuer.issuer, sub: 'user_1' },
      acceptableUntil: NOW + 120,
    });
    expect(Object.keys(await verifyLogoutToken(await sign(claims({ sub: undefined })), rules))).not.toContain('sub');
    // revokeBy: 'sub' for APIs whose access tokens carry no sid; a token without sub still ends its session.
    expect((await verifyLogoutToken(await sign(claims()), { ...rules, revokeBy: 'sub' })).revoked).toEqual({ iss: issuer.issuer, sub: 'user_1' });
    expect((await verifyLogoutToken(await sign(claims({ sub: undefined })), { ...rules, revokeBy: 'sub' })).revoked).toEqual({
      iss: issuer.issuer,
      sid: 'sid_1',
    });
  });

  it('typ: logout+jwt (any case, application/ or not), JWT or none; anything else refused; required, only logout+jwt', async () => {
    for (const typ of ['logout+jwt', 'application/logout+JWT', 'JWT', undefined])
      await expect(verifyLogoutToken(await sign(claims(), { typ }), rules)).resolves.toBeDefined();
    expect(await refused(await sign(claims(), { typ: 'at+jwt' }))).toMatch(/another use/);
    const strict = { ...rules, requireLogoutTyp: true };
    expect(await refused(await sign(claims(), { typ: 'JWT' }), strict)).toMatch(/logout\+jwt/);
    expect(await refused(await sign(claims(), {}), strict)).toMatch(/logout\+jwt/);
  });

  it.each([
    ['a nonce (an ID token is no logout token)', { nonce: 'n' }, /nonce/],
    ['no events', { events: undefined }, /invalid/],
    ['events without the logout event', { events: { 'http://schemas.openid.net/event/other': {} } }, /no back-channel logout event/],
    ['the logout event that is not an object', { events: { [BACKCHANNEL_LOGOUT_EVENT]: true } }, /no back-channel logout event/],
    ['neither sid nor sub', { sid: undefined, sub: undefined }, /neither sid nor sub/],
    ['an empty sid', { sid: '' }, /sid/],
    ['no jti', { jti: undefined }, /invalid/],
    ['another client', { aud: 'someone-else' }, /token-invalid-audience/],
    ['an iat older than the window', { iat: NOW - 200 }, /token-too-old/],
    ['an iat in the future', { iat: NOW + 60 }, /iat-in-the-future/],
    ['an expired token', { exp: NOW - 10 }, /token-expired/],
    ['no exp', { exp: undefined }, /invalid/],
    ['events that is not an object', { events: 'logout' }, /^events is not an object$/],
    ['events as a list', { events: [BACKCHANNEL_LOGOUT_EVENT] }, /^events is not an object$/],
    ['events null', { events: null }, /^events is not an object$/],
    ['the logout event null', { events: { [BACKCHANNEL_LOGOUT_EVENT]: null } }, /no back-channel logout event/],
    ['the logout event as a list', { events: { [BACKCHANNEL_LOGOUT_EVENT]: [] } }, /no back-channel logout event/],
    ['a sid of 513 characters', { sid: 's'.repeat(513) }, /^sid is not a usable id$/],
    ['a sub that is not a string', { sub: 42 }, /^sub is not a usable id$/],
    ['an empty jti', { jti: '' }, /^jti is not a usable id$/],
  ])('refuses %s', async (_name, extra, message) => {
    expect(await refused(await sign(claims(extra)))).toMatch(message);
  });

  it('reads application/ only as the prefix of typ', async () => {
    expect(await refused(await sign(claims(), { typ: 'logout+application/jwt' }))).toBe('the logout token is typed for another use');
  });

  it('accepts ids of 512 characters and a token 90 s old (within the 120 s window)', async () => {
    const event = await verifyLogoutToken(await sign(claims({ sid: 's'.repeat(512), iat: NOW - 90 })), rules);
    expect(event.sid).toHaveLength(512);
  });

  it('refuses an empty or oversized token, and one that is not exactly three parts, by its shape', async () => {
    const valid = await sign(claims());
    expect(await refused('')).toBe('missing logout_token');
    expect(await refused(42)).toBe('missing logout_token');
    expect(await refused(`a.b.${'c'.repeat(8189)}`)).toBe('the logout token is too large');
    // Exactly the largest size: past the size check, refused for what it holds.
    expect(await refused(`a.b.${'c'.repeat(8188)}`)).toBe('the logout token names no issuer');
    expect(await refused(`!${valid}`)).toBe('the logout token is not a signed JWT');
    expect(await refused(`${valid}!`)).toBe('the logout token is not a signed JWT');
  });

  it('refuses a token of an issuer the AuthModule verifies but that may not send logouts here', async () => {
    expect(await refused(await sign(claims()), { ...rules, issuers: ['https://other.example.com'] })).toBe('the logout token is not from a trusted issuer');
  });

  it("an issuer that cannot be resolved now is the caller's 503; any other failure to select it, an untrusted issuer", async () => {
    const unavailable = new AuthError(AuthErrorReason.IssuerUnavailable, 'down');
    await expect(verifyLogoutToken(await sign(claims()), { ...rules, verifierFor: () => Promise.reject(unavailable) })).rejects.toBe(unavailable);
    const unknown = new AuthError(AuthErrorReason.TokenInvalidIssuer, 'unknown');
    expect(await refused(await sign(claims()), { ...rules, verifierFor: () => Promise.reject(unknown) })).toBe('the logout token is not from a trusted issuer');
    expect(
      await refused(await sign(claims()), {
        ...rules,
        verifierFor: () => {
          throw new Error('resolver bug');
        },
      }),
    ).toBe('the logout token is not from a trusted issuer');
  });

  it('keys that cannot be had now (the issuer or its keys unavailable) are thrown as they are, for a 503', async () => {
    const { options, keySource } = await rules.verifierFor(issuer.issuer);
    for (const reason of [AuthErrorReason.KeysUnavailable, AuthErrorReason.IssuerUnavailable]) {
      const failing = { ...keySource, key: () => Promise.reject(new AuthError(reason, 'down')) };
      await expect(verifyLogoutToken(await sign(claims()), { ...rules, verifierFor: () => ({ options, keySource: failing }) })).rejects.toMatchObject({
        reason,
      });
    }
  });

  it('its errors are LogoutTokenErrors by name; the event names the standard URI', () => {
    expect(new LogoutTokenError('x').name).toBe('LogoutTokenError');
    expect(BACKCHANNEL_LOGOUT_EVENT).toBe('http://schemas.openid.net/event/backchannel-logout');
  });

  it('refuses forged, foreign, encrypted and malformed tokens before trusting anything', async () => {
    expect(await refused(await sign(claims(), undefined, stranger))).toMatch(/token-invalid-signature/);
    expect(await refused(await sign(claims({ iss: 'https://evil.example.com' })))).toMatch(/trusted issuer/);
    expect(await refused('a.b.c.d.e')).toMatch(/encrypted/);
    expect(await refused('not a token')).toMatch(/signed JWT/);
    expect(await refused(undefined)).toMatch(/missing/);
    expect(await refused('x'.repeat(9000))).toMatch(/too large/);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.e30`;
    expect(await refused(unsigned)).toMatch(/invalid/);
  });

  it("a module with one issuer: its issuer must be the token's", async () => {
    const entry = resolveAuthOptions({ jwks: issuer.jwks }).issuers.entries[0];
    const anyIssuer = { ...rules, verifierFor: () => ({ options: entry, keySource: createKeySource(entry) }) };
    expect(await refused(await sign(claims()), anyIssuer)).toMatch(/trusted issuer/);
  });
});
