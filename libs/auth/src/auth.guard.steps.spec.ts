import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { createAuthObserver } from './auth-events.js';
import { signedOutResult, type AuthResult } from './auth-object/auth-result.js';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import type { AuthPolicy } from './auth.decorators.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { getAuth } from './get-auth.js';
import type { Outcome } from './policy/decide.js';
import { guardReason, httpContext, recordingMeter, SECRET, signToken } from './guard-context.spec-support.js';
import { storedVerification, type AuthCarrier } from './request-context.js';
import { createAuthObject, createDpopKey } from './testing/index.js';
import type { ExtractedToken } from './token/extract-token.js';
import type { Verification } from './verification/verification.js';

const options = (extra: AuthModuleOptions = {}): ResolvedAuthOptions => resolveAuthOptions({ secret: SECRET, defaultPolicy: 'required', ...extra });

describe('AuthGuard steps a subclass overrides', () => {
  it('getToken: a bare string counts as a Bearer header token; null as no token', async () => {
    const token = await signToken({ sub: 'user_s' });
    class FromQuery extends AuthGuard {
      protected override getToken(carrier: AuthCarrier & { query?: { token?: string } }): ExtractedToken | string | null {
        return carrier.query?.token ?? null;
      }
    }
    const o = options({ debug: true });
    const guard = new FromQuery(new Reflector(), new AuthService(o), o);
    const req = { headers: {}, query: { token } };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(storedVerification(req)).toMatchObject({ token, source: 'header', scheme: 'bearer' });
    expect(await guardReason(guard.canActivate(httpContext({ headers: { authorization: `Bearer ${token}` } })))).toBe('token-missing');
  });

  it('authenticate: a plain AuthResult is decided with the issuer of a single-issuer module', async () => {
    const auth = createAuthObject({ userId: 'user_own' });
    const seen: Array<[string | null, string | null]> = [];
    class Own extends AuthGuard {
      protected override authenticate(token: string | null, source: 'header' | 'cookie' | null): AuthResult {
        seen.push([token, source]);
        return { auth, error: null, tokenPresent: true };
      }
    }
    const o = options();
    const guard = new Own(new Reflector(), new AuthService(o), o);
    const req = { headers: { authorization: 'Bearer anything' } };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(getAuth(req)).toBe(auth);
    expect(seen).toEqual([['anything', 'header']]);
    expect(storedVerification(req)).toMatchObject({ token: 'anything', source: 'header', tokenType: 'session_token' });
    expect(storedVerification(req)?.issuer).toBe(o.issuers.entries[0]);
  });

  it('authenticate: with several issuers, a plain AuthResult has no issuer (the module defaults apply)', async () => {
    class Own extends AuthGuard {
      protected override authenticate(): AuthResult {
        return { auth: createAuthObject({ userId: 'user_own' }), error: null, tokenPresent: true };
      }
    }
    const o = resolveAuthOptions({
      defaultPolicy: 'required',
      issuers: [
        { issuer: 'https://a.test', secret: SECRET },
        { issuer: 'https://b.test', secret: `${SECRET}-b` },
      ],
    });
    const req = { headers: { authorization: 'Bearer anything' } };
    expect(await new Own(new Reflector(), new AuthService(o), o).canActivate(httpContext(req))).toBe(true);
    expect(storedVerification(req)?.issuer).toBeNull();
  });

  it('authenticate: called by an override with the token alone, a token counts as from the header, and no token as from nowhere', async () => {
    const sources: Array<string | null> = [];
    class Recording extends AuthService {
      override verification(token: string | null, source: 'header' | 'cookie' | null) {
        sources.push(source);
        return super.verification(token, source);
      }
    }
    class TokenOnly extends AuthGuard {
      protected override authenticate(token: string | null) {
        return super.authenticate(token);
      }
    }
    const o = options({ defaultPolicy: 'optional' });
    const guard = new TokenOnly(new Reflector(), new Recording(o), o);
    const req = { headers: { cookie: `__session=${await signToken()}` } };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(await guard.canActivate(httpContext({ headers: {} }))).toBe(true);
    expect(sources).toEqual(['header', null]);
    expect(storedVerification(req)).toMatchObject({ source: 'header' });
  });

  it('getToken: an empty token from elsewhere is no token, whatever scheme the Authorization header uses', async () => {
    class FromQuery extends AuthGuard {
      protected override getToken(): string {
        return '';
      }
    }
    const o = options({ debug: true });
    const guard = new FromQuery(new Reflector(), new AuthService(o), o);
    expect(await guardReason(guard.canActivate(httpContext({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })))).toBe('token-missing');
  });

  it("authenticate: another library's thenable is awaited like a promise", async () => {
    const refused = signedOutResult(new AuthError(AuthErrorReason.TokenRevoked, 'revoked'), true);
    class Thenable extends AuthGuard {
      protected override authenticate(): Promise<AuthResult> {
        return { then: (resolve: (value: AuthResult) => unknown) => resolve(refused) } as unknown as Promise<AuthResult>;
      }
    }
    const o = options({ debug: true });
    expect(await guardReason(new Thenable(new Reflector(), new AuthService(o), o).canActivate(httpContext({ headers: { authorization: 'Bearer x' } })))).toBe(
      'token-revoked',
    );
  });

  it('getCarrier: undefined is a request with nothing to read (no token), and nothing is attached', async () => {
    const decided: Verification[] = [];
    class Blind extends AuthGuard {
      protected override getCarrier(): undefined {
        return undefined;
      }
      protected override decide(policy: AuthPolicy, v: Verification): Outcome {
        decided.push(v);
        return super.decide(policy, v);
      }
    }
    const o = options({ debug: true, defaultPolicy: 'optional' });
    const req: { headers: object; auth?: unknown } = { headers: { authorization: `Bearer ${await signToken()}` } };
    expect(await new Blind(new Reflector(), new AuthService(o), o).canActivate(httpContext(req))).toBe(true);
    expect(req.auth).toBeUndefined();
    expect(storedVerification(req)).toBeUndefined();
    // The step after it is told the same as for a request without a token: none was present.
    expect(decided.map((v) => [v.error?.reason, v.error?.message, v.tokenPresent, v.token])).toEqual([[AuthErrorReason.TokenMissing, 'no token', false, null]]);
  });
});

describe('AuthGuard timing full verifications (metrics)', () => {
  it('times a verification the cache did not answer, not a cached one, and not a request without a token', async () => {
    const o = options({ defaultPolicy: 'optional' });
    const guard = new AuthGuard(new Reflector(), new AuthService(o), o);
    const { meter, records } = recordingMeter();
    Object.assign(guard, { observer: await createAuthObserver({ metrics: { meter } }) });
    const durations = () => records.filter((r) => r.name === 'nestjs_warden.verification.duration').map((r) => r.attributes['auth.result']);
    const token = await signToken();
    const fresh = () => httpContext({ headers: { authorization: `Bearer ${token}` } });
    expect(await guard.canActivate(fresh())).toBe(true);
    expect(await guard.canActivate(fresh())).toBe(true); // verified again, then cached
    expect(durations()).toEqual(['verified', 'verified']);
    expect(guard.canActivate(fresh())).toBe(true); // the cache answered at once
    expect(await guard.canActivate(httpContext({ headers: {} }))).toBe(true);
    expect(await guard.canActivate(httpContext({ headers: { authorization: 'Bearer not-a-jwt' } }))).toBe(true);
    expect(durations()).toEqual(['verified', 'verified', 'refused']);
  });

  it('times nothing for a request without a token, even when an AuthService answers it later', async () => {
    class Later extends AuthService {
      override async verification(token: string | null, source: 'header' | 'cookie' | null) {
        return await super.verification(token, source);
      }
    }
    const o = options({ defaultPolicy: 'optional' });
    const guard = new AuthGuard(new Reflector(), new Later(o), o);
    const { meter, records } = recordingMeter();
    Object.assign(guard, { observer: await createAuthObserver({ metrics: { meter } }) });
    expect(await guard.canActivate(httpContext({ headers: {} }))).toBe(true);
    expect(records.filter((r) => r.name === 'nestjs_warden.verification.duration')).toEqual([]);
    expect(await guard.canActivate(httpContext({ headers: { authorization: `Bearer ${await signToken()}` } }))).toBe(true);
    expect(records.filter((r) => r.name === 'nestjs_warden.verification.duration')).toHaveLength(1);
  });
});

describe('AuthGuard with DPoP-bound tokens', () => {
  const URL_ = 'https://api.test/orders';
  async function setup() {
    const o = options({ dpop: 'allowed', debug: true });
    const guard = new AuthGuard(new Reflector(), new AuthService(o), o);
    const key = await createDpopKey();
    const token = await signToken({ sub: 'user_d', cnf: key.cnf });
    const request = async (proof?: string) => ({
      method: 'GET',
      url: '/orders?page=2',
      protocol: 'https',
      headers: { host: 'api.test', authorization: `DPoP ${token}`, dpop: proof ?? (await key.headers(token, { method: 'GET', url: URL_ })).dpop },
    });
    return { guard, key, token, request };
  }

  it('checks one proof once for the guard runs that overlap on a request (GraphQL fields), never as its own replay', async () => {
    const { guard, request } = await setup();
    const req = await request();
    const runs = [guard.canActivate(httpContext(req)), guard.canActivate(httpContext(req)), guard.canActivate(httpContext(req))];
    expect(await Promise.all(runs.map(guardReason))).toEqual(['allowed', 'allowed', 'allowed']);
    expect(storedVerification(req)).toMatchObject({ scheme: 'dpop', proof: req.headers.dpop });
  });

  it('a proof sent again on another request is a replay', async () => {
    const { guard, request } = await setup();
    const first = await request();
    expect(await guardReason(guard.canActivate(httpContext(first)))).toBe('allowed');
    expect(await guardReason(guard.canActivate(httpContext(await request(first.headers.dpop))))).toBe('dpop-proof-replayed');
  });

  it('shares a check only for the same token and proof: another proof on the same request is checked on its own', async () => {
    const { guard, key, token, request } = await setup();
    // Twice on requests of their own: the token is then cached, and the first run below reads its proof at once.
    for (let i = 0; i < 2; i += 1) expect(await guardReason(guard.canActivate(httpContext(await request())))).toBe('allowed');
    const req = await request();
    // Made before the runs start: nothing is awaited between them, so the first cannot finish (and
    // store its verification, which the second would reuse) before the second starts.
    const otherProof = await key.proof({ method: 'GET', url: 'https://api.test/other', accessToken: token });
    // Each outcome is taken at once: the second run fails faster than the first one succeeds, and a
    // refusal waiting for its handler until the first is awaited is an unhandled rejection.
    const first = guardReason(guard.canActivate(httpContext(req)));
    req.headers.dpop = otherProof;
    const second = guardReason(guard.canActivate(httpContext(req)));
    expect(await first).toBe('allowed');
    expect(await second).toBe('dpop-proof-mismatch');
  });

  it('never takes a proof cut in two by a comma for the proof it was cut from', async () => {
    const { guard, request } = await setup();
    for (let i = 0; i < 2; i += 1) expect(await guardReason(guard.canActivate(httpContext(await request())))).toBe('allowed');
    const req = await request();
    const proof = req.headers.dpop;
    const first = guardReason(guard.canActivate(httpContext(req)));
    req.headers.dpop = `${proof.slice(0, 20)},${proof.slice(20)}`;
    const second = guardReason(guard.canActivate(httpContext(req)));
    expect(await first).toBe('allowed');
    expect(await second).toBe('dpop-proof-invalid');
  });

  it('shares only DPoP proof checks: any other check runs for each guard run', async () => {
    let checks = 0;
    class Slow extends AuthService {
      override async checkProof(...args: Parameters<AuthService['checkProof']>) {
        checks += 1;
        return await super.checkProof(...args);
      }
    }
    const o = options();
    const guard = new AuthGuard(new Reflector(), new Slow(o), o);
    const req = { headers: { authorization: `Bearer ${await signToken()}` } };
    expect(await Promise.all([guardReason(guard.canActivate(httpContext(req))), guardReason(guard.canActivate(httpContext(req)))])).toEqual([
      'allowed',
      'allowed',
    ]);
    expect(checks).toBe(2);
  });

  it('refuses a DPoP-bound token sent as Bearer', async () => {
    const { guard, token } = await setup();
    expect(await guardReason(guard.canActivate(httpContext({ headers: { authorization: `Bearer ${token}` } })))).toBe('dpop-bound-token-as-bearer');
  });
});
