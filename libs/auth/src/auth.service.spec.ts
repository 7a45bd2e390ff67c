import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { AuthService } from './auth.service.js';
import type { Verification } from './verification/verification.js';
import { AuthError } from './auth.errors.js';
import { certificateCnf, clerkM2MClaims, clerkSessionClaims, createDpopKey, createTestIssuer, type TestIssuer } from './testing/index.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

describe('AuthService', () => {
  it('shares one frozen auth object between requests carrying the same token', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign({ sub: 'user_1' });
    await service.authenticate(token); // first sighting: verified, not stored
    const first = await service.authenticate(token);
    const second = await service.authenticate(token);
    expect(second.auth).toBe(first.auth);
    expect(first.auth.tokenType === 'session_token' && first.auth.userId).toBe('user_1');
    expect(Object.isFrozen(first.auth)).toBe(true);
    expect(() => {
      (first.auth as { userId: string | null }).userId = 'user_2';
    }).toThrow(TypeError);
    const other = await service.authenticate(await issuer.sign({ sub: 'user_3' }));
    expect(other.auth.tokenType === 'session_token' && other.auth.userId).toBe('user_3');
  });

  it('builds a new object per verification when the cache is off', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions({ cache: false })));
    const token = await issuer.sign({ sub: 'user_1' });
    expect((await service.authenticate(token)).auth).not.toBe((await service.authenticate(token)).auth);
  });

  it('refuses a pending session every time, also once it is cached', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign(clerkSessionClaims({ status: 'pending' }));
    // Verified, stored, then served from the cache: refused each time.
    for (let i = 0; i < 3; i += 1) {
      const result = await service.authenticate(token);
      expect(result.auth.isAuthenticated).toBe(false);
      expect(result.error?.reason).toBe('session-pending');
    }
    await expect(service.verifyToken(token)).rejects.toMatchObject({ reason: 'session-pending' });
  });

  it('answers a cached machine token at once, with its class, and never holds it back as a pending session', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign({ ...clerkM2MClaims({ machineId: 'mch_1' }), sts: 'pending' });
    await service.authenticate(token);
    await service.authenticate(token); // second sighting: stored
    const cached = service.verification(token, 'header');
    expect(cached).not.toBeInstanceOf(Promise);
    expect((cached as Verification).auth).toMatchObject({ isAuthenticated: true, tokenType: 'm2m_token', machineId: 'mch_1' });
    await expect(service.verifyToken(token, { acceptsToken: 'm2m_token' })).resolves.toBe((cached as Verification).auth);
  });

  it("with several issuers, each token gets its own issuer's defaults: acceptsToken and treatPendingAsSignedOut", async () => {
    const other = await createTestIssuer({ issuer: 'https://other.test' });
    const service = new AuthService(
      resolveAuthOptions({
        issuers: [issuer.moduleOptions({ treatPendingAsSignedOut: false }), other.moduleOptions({ acceptsToken: 'm2m_token' })],
      }),
    );
    const pending = { sub: 'user_1', sid: 'sess_1', sts: 'pending' };
    expect((await service.verifyToken(await issuer.sign(pending))).sessionStatus).toBe('pending');
    await expect(service.verifyToken(await other.sign(pending))).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
    expect((await service.verifyToken(await other.sign(clerkM2MClaims()), { acceptsToken: 'm2m_token' })).tokenType).toBe('m2m_token');
    expect((await service.authenticate(await other.sign(clerkM2MClaims()))).auth.isAuthenticated).toBe(true);
    await expect(service.verifyToken(await issuer.sign(clerkM2MClaims()))).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
  });
});

/** A self-signed certificate's DER in base64 (public material only): what an mTLS-bound token names. */
const CERTIFICATE_BASE64 =
  'MIIBoDCCAUegAwIBAgIUX//U1QJtaZxwrtN0DaRuvAwydnkwCgYIKoZIzj0EAwIwJTEjMCEGA1UEAwwabmVzdGpzLXdhcmRlbiB0ZXN0IGZpeHR1cmUwIBcNMjYxMjAxMDUwMjIzWhgPMjEyNjExMDcwNTAyMjNaMCUxIzAhBgNVBAMMGm5lc3Rqcy13YXJkZW4gdGVzdCBmaXh0dXJlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHwLWLzrp1quwsM9hfQ3NO67X0+JzgKKeaPdJ8TE6yiyyPqYlEcGTBQavlPRiNpjORiOGNsNQPsqxS8hhd/QmW6NTMFEwHQYDVR0OBBYEFKvEyMIswoM5KamlLQW/CInsz1zpMB8GA1UdIwQYMBaAFKvEyMIswoM5KamlLQW/CInsz1zpMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgQv4JWfQe40fIGUX0TGiq1m6Mza4pvghk3lPBNramLdQCIHHlvNJNjzKjEigbrGz4G91iudrK2wki06eTEBvI899T';

describe('AuthService outside a request', () => {
  const bound = () => new AuthService(resolveAuthOptions(issuer.moduleOptions({ dpop: 'allowed', mtls: 'allowed' })));

  it('verification() takes a token from the header unless told otherwise', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign({ sub: 'user_1' });
    expect(await service.verification(token)).toMatchObject({ source: 'header', scheme: 'bearer', token });
    expect(await service.verification(token, 'cookie')).toMatchObject({ source: 'cookie', scheme: null });
  });

  it('verifyToken refuses a token bound to a DPoP key or a client certificate: there is no proof to check', async () => {
    const service = bound();
    const key = await createDpopKey();
    const dpop = service.verifyToken(await issuer.sign({ sub: 'user_1', cnf: key.cnf }));
    await expect(dpop).rejects.toBeInstanceOf(AuthError);
    await expect(dpop).rejects.toMatchObject({ reason: 'dpop-proof-missing', message: 'a DPoP-bound token needs a proof of its request' });
    const mtls = service.verifyToken(await issuer.sign({ sub: 'user_1', cnf: certificateCnf(Buffer.from(CERTIFICATE_BASE64, 'base64')) }));
    await expect(mtls).rejects.toMatchObject({ reason: 'mtls-certificate-missing', message: 'an mTLS-bound token needs its client certificate' });
  });

  it('authenticate signs such a token out with the same reason, never throwing', async () => {
    const service = bound();
    const key = await createDpopKey();
    const token = await issuer.sign({ sub: 'user_1', cnf: key.cnf });
    const result = await service.authenticate(token);
    expect(result).toMatchObject({ tokenPresent: true, auth: { isAuthenticated: false }, error: { reason: 'dpop-proof-missing' } });
    expect(
      (await service.authenticate(await issuer.sign({ sub: 'user_1', cnf: certificateCnf(Buffer.from(CERTIFICATE_BASE64, 'base64')) }))).error?.reason,
    ).toBe('mtls-certificate-missing');
  });

  it('authenticate signs in any class of token, and keeps the token it refused', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    expect((await service.authenticate(await issuer.sign(clerkM2MClaims({ machineId: 'mch_9' })))).auth).toMatchObject({
      isAuthenticated: true,
      tokenType: 'm2m_token',
      machineId: 'mch_9',
    });
    const key = await createDpopKey();
    const bound = await issuer.sign({ sub: 'user_1', cnf: key.cnf });
    expect(await new AuthService(resolveAuthOptions(issuer.moduleOptions({ dpop: 'allowed' }))).authenticate(bound)).toMatchObject({ token: bound });
  });

  it('authenticate without a token: signed out, no token present; a bad one: its reason', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    for (const none of [undefined, null, '']) {
      expect(await service.authenticate(none)).toMatchObject({ tokenPresent: false, auth: { isAuthenticated: false }, error: { reason: 'token-missing' } });
    }
    expect((await service.authenticate(await issuer.sign({ sub: 'user_1' }, { expiresInSeconds: -3600 }))).error?.reason).toBe('token-expired');
  });

  it('verifyToken throws the refusal of a bad token, and names itself for a malformed acceptsToken', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    await expect(service.verifyToken('not-a-jwt')).rejects.toMatchObject({ reason: 'token-invalid' });
    const token = await issuer.sign({ sub: 'user_1' });
    await expect(service.verifyToken(token, { acceptsToken: 'session' as never })).rejects.toThrow(/^verifyToken\(\{ acceptsToken \}\): expected 'any'/);
    expect(await service.verifyToken(token, { acceptsToken: 'any' })).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
    await expect(service.verifyToken(token, { acceptsToken: 'm2m_token' })).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
  });
});
