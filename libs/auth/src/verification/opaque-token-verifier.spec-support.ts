import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { OpaqueTokenVerifier, type OpaqueTokenAdmission, type OpaqueTokenSource, type OpaqueTokenVerifierSettings } from './opaque-token-verifier.js';

/** The start of the specs' clock. */
export const T0 = Date.UTC(2026, 0, 1);

/** What the specs' admission makes of accepted claims. */
export interface Admitted {
  token: string;
  tokenType: string;
  sub: unknown;
}

/** Claims of a token valid for `seconds` from {@link T0}. */
export const validFor = (seconds: number) => ({ sub: 'svc', exp: T0 / 1000 + seconds });

/** Needs a numeric `exp` in the future of the spec's clock, as the module's claim checks do. */
const admitByExp =
  (clock: () => number): OpaqueTokenAdmission<Admitted> =>
  (claims, tokenType, token) => {
    if (typeof claims.exp !== 'number') throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'no exp');
    if (claims.exp * 1000 <= clock()) throw new AuthError(AuthErrorReason.TokenExpired, 'expired');
    return { token, tokenType, sub: claims.sub };
  };

/**
 * A verifier over a scripted source, with a clock the test moves; records every call to the source.
 * `admit` replaces the admission by `exp`.
 */
export function setup(
  answer: (token: string, call: number) => unknown,
  settings: Partial<OpaqueTokenVerifierSettings> = {},
  admit?: OpaqueTokenAdmission<Admitted>,
) {
  let now = T0;
  const clock = () => now;
  const calls: Array<{ token: string; tokenType: string }> = [];
  const source: OpaqueTokenSource = (token, tokenType) => {
    calls.push({ token, tokenType });
    return answer(token, calls.length);
  };
  const verifier = new OpaqueTokenVerifier(
    source,
    {
      timeoutInMs: 1000,
      cooldownInMs: 5000,
      clockSkewInMs: 0,
      refusedTtlInMs: 60_000,
      maxEntries: 100,
      maxBytes: 1 << 20,
      maxConcurrent: 1000,
      clock,
      ...settings,
    },
    admit ?? admitByExp(clock),
  );
  return { verifier, calls, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}
