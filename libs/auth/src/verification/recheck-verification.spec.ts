import { beforeEach, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { signedInAuthObject } from '../auth-object/auth-object.js';
import { readSessionFields } from '../auth-object/claims.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import { IssuerVerifier } from './issuer-verifier.js';
import { createKeySource } from './key-sources.js';
import { recheckVerification, type RecheckContext } from './recheck-verification.js';
import { RevocationGate } from './revocation-gate.js';
import { buildVerifiedToken } from './verified-token.js';
import {
  asVerification,
  presentedVerification,
  signedOutVerification,
  verifiedVerification,
  withClientUat,
  type TokenOrigin,
  type Verification,
} from './verification.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const EXP = NOW / 1000 + 60;
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

let a: IssuerConfig;
let b: IssuerConfig;
beforeEach(() => {
  const options = resolveAuthOptions({
    issuers: [
      { issuer: 'https://a.example.com', secret: SECRET, clockSkewInMs: 1500 },
      { issuer: 'https://b.example.com', secret: SECRET, clockSkewInMs: 0 },
    ],
  });
  [a, b] = options.issuers.entries;
});

/** A real issuer verifier for `entry` (its keys are never used here: only which entry it stands for). */
const verifierOf = (entry: IssuerConfig) =>
  new IssuerVerifier(
    entry,
    createKeySource(entry),
    () => NOW,
    null,
    () => undefined,
  );

/** A signed-in session verification of `issuer` (exp: one minute after NOW), found at `source`. */
function signedIn(issuer: IssuerConfig, source: TokenOrigin | null = 'header', claims: JWTPayload = {}): Verification {
  const all = { iss: issuer.issuer?.[0], sub: 'user_1', sid: 'sess_1', iat: NOW / 1000 - 60, exp: EXP, ...claims };
  return verifiedVerification(buildVerifiedToken(issuer, 'the.token.jws', 'session_token', all), source, false);
}

/** A revocation gate over a real check: a store, a hook, or neither. */
function gate(hook?: (claims: JWTPayload) => unknown, store?: RevocationStore) {
  return new RevocationGate(new RevocationCheck(hook, 1000, store), () => undefined);
}

interface Calls {
  authenticated: [string, TokenOrigin | null][];
  trusted: number;
}

/** A context at `now`; `trusted` is what stillTrusted answers (a function: called, may throw); `judged` what authenticate answers. */
function context(
  options: {
    now?: number;
    trusted?: () => IssuerVerifier | Promise<IssuerVerifier> | undefined;
    revocation?: RevocationGate;
    judged?: (token: string, source: TokenOrigin | null) => Verification | Promise<Verification>;
  } = {},
): { context: RecheckContext; calls: Calls } {
  const calls: Calls = { authenticated: [], trusted: 0 };
  return {
    calls,
    context: {
      now: options.now ?? NOW,
      stillTrusted: () => {
        calls.trusted += 1;
        return options.trusted?.();
      },
      revocation: options.revocation ?? gate(),
      authenticate: (token, source) => {
        calls.authenticated.push([token, source]);
        if (!options.judged) throw new Error('authenticate was not expected');
        return options.judged(token, source);
      },
    },
  };
}

describe('recheckVerification: what is returned as it is', () => {
  it('a signed-out verification, without asking anything', () => {
    const stored = signedOutVerification(new AuthError(AuthErrorReason.TokenInvalid), true, { token: 't', source: 'header' });
    const { context: c, calls } = context();
    expect(recheckVerification(stored, c)).toBe(stored);
    expect(calls.trusted).toBe(0);
  });

  it('a signed-in verification without claims (a guard subclass of its own), without asking anything', () => {
    const stored = asVerification({ auth: { isAuthenticated: true, userId: 'svc' }, error: null, tokenPresent: true } as never, 't', 'header');
    expect([stored.auth.isAuthenticated, stored.claims]).toEqual([true, null]);
    const { context: c, calls } = context();
    expect(recheckVerification(stored, c)).toBe(stored);
    expect(calls.trusted).toBe(0);
  });

  it('a signed-in verification inside its window whose issuer cannot have changed: the same object, synchronously', () => {
    const stored = signedIn(a);
    const { context: c, calls } = context({ now: EXP * 1000 + 1499 });
    expect(recheckVerification(stored, c)).toBe(stored);
    expect(calls.trusted).toBe(1);
  });
});

describe('recheckVerification: the time window, to the millisecond, with the issuer skew', () => {
  it("refuses at exp + the issuer's skew, keeping the token, where it was found and the issuer", () => {
    const stored = signedIn(a, 'cookie');
    const result = recheckVerification(stored, context({ now: EXP * 1000 + 1500 }).context) as Verification;
    expect(result.auth.isAuthenticated).toBe(false);
    expect([result.error?.reason, result.tokenPresent]).toEqual([AuthErrorReason.TokenExpired, true]);
    expect([result.token, result.source, result.issuer]).toEqual(['the.token.jws', 'cookie', a]);
  });

  it('with the skew of the issuer that verified it: 0 for b', () => {
    const stored = signedIn(b);
    expect(recheckVerification(stored, context({ now: EXP * 1000 - 1 }).context)).toBe(stored);
    expect((recheckVerification(stored, context({ now: EXP * 1000 }).context) as Verification).error?.reason).toBe(AuthErrorReason.TokenExpired);
  });

  it('without an issuer (a guard subclass of its own): no skew; accepted 1 ms before exp, refused at exp', () => {
    const claims = { sub: 'user_1', sid: 'sess_1', exp: EXP };
    const auth = signedInAuthObject(claims, readSessionFields(claims), 't');
    const stored = asVerification({ auth, error: null, tokenPresent: true }, 't', 'header');
    expect(stored.issuer).toBeNull();
    expect(recheckVerification(stored, context({ now: EXP * 1000 - 1 }).context)).toBe(stored);
    const refused = recheckVerification(stored, context({ now: EXP * 1000 }).context) as Verification;
    expect([refused.error?.reason, refused.issuer, refused.token]).toEqual([AuthErrorReason.TokenExpired, null, 't']);
  });
});

describe('recheckVerification: revocation', () => {
  it('with a store, synchronously: the same object while not revoked, token-revoked once it is', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    const stored = signedIn(a);
    const c = context({ revocation: gate(undefined, store) }).context;
    expect(recheckVerification(stored, c)).toBe(stored);
    await store.revoke({ sid: 'sess_1' });
    const result = recheckVerification(stored, c) as Verification;
    expect([result.auth.isAuthenticated, result.error?.reason, result.token, result.source]).toEqual([
      false,
      AuthErrorReason.TokenRevoked,
      'the.token.jws',
      'header',
    ]);
  });

  it('with an isRevoked hook: a promise of the same object, or of the refusal', async () => {
    let revoked = false;
    const stored = signedIn(a);
    const c = context({ revocation: gate(async () => revoked) }).context;
    const pending = recheckVerification(stored, c);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(stored);
    revoked = true;
    const result = await recheckVerification(stored, c);
    expect([result.error?.reason, result.tokenPresent, result.issuer]).toEqual([AuthErrorReason.TokenRevoked, true, a]);
  });

  it('a hook that throws synchronously is revocation-unavailable, not a throw', () => {
    const stored = signedIn(a);
    const hook = () => {
      throw new Error('down');
    };
    const result = recheckVerification(stored, context({ revocation: gate(hook) }).context) as Verification;
    expect(result.error?.reason).toBe(AuthErrorReason.RevocationUnavailable);
  });
});

describe('recheckVerification: the issuer (resolveIssuer)', () => {
  it('is refused with the reason stillTrusted throws (the iss selects no issuer now)', () => {
    const stored = signedIn(a, 'header');
    const trusted = () => {
      throw new AuthError(AuthErrorReason.TokenInvalidIssuer, 'no issuer');
    };
    const result = recheckVerification(stored, context({ trusted }).context) as Verification;
    expect([result.auth.isAuthenticated, result.error?.reason, result.token, result.issuer]).toEqual([
      false,
      AuthErrorReason.TokenInvalidIssuer,
      'the.token.jws',
      a,
    ]);
  });

  it('the same issuer entry answered again: revocation only, nothing verified again (synchronously and asynchronously)', async () => {
    const stored = signedIn(a);
    const sync = context({ trusted: () => verifierOf(a) });
    expect(recheckVerification(stored, sync.context)).toBe(stored);
    const async = context({ trusted: async () => verifierOf(a) });
    expect(await recheckVerification(stored, async.context)).toBe(stored);
    expect([...sync.calls.authenticated, ...async.calls.authenticated]).toEqual([]);
  });

  it('a rejected answer is refused with its reason', async () => {
    const stored = signedIn(a);
    const trusted = () => Promise.reject(new AuthError(AuthErrorReason.IssuerUnavailable, 'down'));
    const result = await recheckVerification(stored, context({ trusted }).context);
    expect([result.error?.reason, result.tokenPresent, result.issuer]).toEqual([AuthErrorReason.IssuerUnavailable, true, a]);
  });

  it('another entry now: the token is judged again as a new request from the same source would be (synchronous answer)', () => {
    const stored = signedIn(a, 'cookie');
    const again = signedIn(b, 'cookie');
    const { context: c, calls } = context({ trusted: () => verifierOf(b), judged: () => again });
    expect(recheckVerification(stored, c)).toBe(again);
    expect(calls.authenticated).toEqual([['the.token.jws', 'cookie']]);
  });

  it('another entry now, answered asynchronously, judged asynchronously', async () => {
    const stored = signedIn(a, 'header');
    const again = signedIn(b, 'header');
    const { context: c, calls } = context({ trusted: async () => verifierOf(b), judged: async () => again });
    expect(await recheckVerification(stored, c)).toBe(again);
    expect(calls.authenticated).toEqual([['the.token.jws', 'header']]);
  });

  it('judged again: keeps the DPoP scheme and proof and the __client_uat of the stored request, on a signed-in answer', async () => {
    const stored = withClientUat(presentedVerification(signedIn(a, 'header'), 'dpop', 'the.proof.jws'), 1234);
    const again = signedIn(b, 'header');
    const { context: c } = context({ trusted: () => verifierOf(b), judged: async () => again });
    const result = await recheckVerification(stored, c);
    expect([result.auth.isAuthenticated, result.issuer, result.scheme, result.proof, result.clientUat]).toEqual([true, b, 'dpop', 'the.proof.jws', 1234]);
  });

  it('judged again and refused: the refusal keeps its own scheme and no proof, with the stored __client_uat', () => {
    const stored = withClientUat(presentedVerification(signedIn(a, 'header'), 'dpop', 'the.proof.jws'), 1234);
    const refusal = signedOutVerification(new AuthError(AuthErrorReason.TokenInvalidAudience), true, { token: 'the.token.jws', source: 'header', issuer: b });
    const { context: c } = context({ trusted: () => verifierOf(b), judged: () => refusal });
    const result = recheckVerification(stored, c) as Verification;
    expect([result.auth.isAuthenticated, result.error?.reason, result.scheme, result.proof, result.clientUat]).toEqual([
      false,
      AuthErrorReason.TokenInvalidAudience,
      'bearer',
      null,
      1234,
    ]);
  });

  it('another entry, but no token to verify again (a guard subclass of its own): revocation only', () => {
    const claims = { iss: 'https://a.example.com', sub: 'user_1', sid: 'sess_1', exp: EXP };
    const auth = signedInAuthObject(claims, readSessionFields(claims), 't');
    const stored = asVerification({ auth, error: null, tokenPresent: true }, null, null, a);
    expect([stored.token, stored.claims]).toEqual([null, claims]);
    const { context: c, calls } = context({ trusted: () => verifierOf(b) });
    expect(recheckVerification(stored, c)).toBe(stored);
    expect(calls.authenticated).toEqual([]);
  });
});
