import type { ResolvedAuthOptions } from '../../config/resolved-options.js';
import { AuthConfigError } from '../../config/auth-config-error.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';
import { clerkTokenClass } from '../../verification/token-class.js';

/** Options of `ClerkWebhooksModule.forRoot()`. */
export interface ClerkWebhooksOptions {
  /** The endpoint's signing secret from the Clerk dashboard (`whsec_…`). */
  signingSecret: string;
  /**
   * Refuse a delivery whose timestamp is further than this from now, in seconds (replays).
   * Default 300, which is also the most the signature library accepts.
   */
  toleranceInSeconds?: number;
  /**
   * Where `session.revoked` / `session.ended` / `session.removed` (by `sid`) and `user.deleted`
   * (by `sub`) are revoked. Default: the AuthModule's `revocation` store; without one the boot stops
   * (an `AuthConfigError` naming this option), since those events would be acknowledged and revoke
   * nothing. `false` says your handler revokes sessions itself: the module then revokes nothing and
   * your handler still receives every event.
   */
  revocation?: RevocationStore | false;
  /**
   * How many delivery ids are remembered to answer a delivery handled already (a replay, or a retry
   * after a lost answer) with 200 `{ duplicate: true }` instead of running the handler again; each is
   * kept for twice `toleranceInSeconds`. In memory, per process. Default 10000.
   */
  maxRememberedDeliveries?: number;
  /**
   * The `iss` of the Clerk instance's session tokens (its Frontend API URL, e.g.
   * `https://clerk.example.com`): revocations from webhooks are scoped to it, so they never touch
   * another issuer's users who happen to carry the same ids. Default: the AuthModule's issuer when it
   * has one (`issuer`), or its one `clerk()` entry of `issuers`; otherwise revocations apply to every issuer.
   */
  issuer?: string;
}

/** Injection token of the resolved options. */
export const CLERK_WEBHOOKS_OPTIONS = Symbol.for('nestjs-warden:clerk-webhooks-options');

/** Default `maxRememberedDeliveries`. */
export const DEFAULT_MAX_REMEMBERED_DELIVERIES = 10_000;

/** The signature library's own bound on the timestamp. */
export const MAX_TOLERANCE_SECONDS = 300;

/** The options after checks and defaults. */
export type ResolvedClerkWebhooksOptions = Required<Omit<ClerkWebhooksOptions, 'revocation' | 'issuer'>> & Pick<ClerkWebhooksOptions, 'revocation' | 'issuer'>;

/** Checks the options at boot; throws {@link AuthConfigError} naming the option. */
export function resolveClerkWebhooksOptions(options: ClerkWebhooksOptions): ResolvedClerkWebhooksOptions {
  if (!options || typeof options !== 'object') throw new AuthConfigError('ClerkWebhooksModule', 'expected { signingSecret }');
  const {
    signingSecret,
    toleranceInSeconds = MAX_TOLERANCE_SECONDS,
    revocation,
    issuer,
    maxRememberedDeliveries = DEFAULT_MAX_REMEMBERED_DELIVERIES,
  } = options;
  if (typeof signingSecret !== 'string' || !/^whsec_[A-Za-z0-9+/=]{8,}$/.test(signingSecret)) {
    throw new AuthConfigError('signingSecret', 'expected the endpoint signing secret from the Clerk dashboard (whsec_...)');
  }
  // Stryker disable next-line ConditionalExpression: (the `typeof` test) Number.isFinite is false for anything but a number, so the second test alone refuses the same values; the line's other `false` mutants are killed
  if (typeof toleranceInSeconds !== 'number' || !Number.isFinite(toleranceInSeconds) || toleranceInSeconds <= 0 || toleranceInSeconds > MAX_TOLERANCE_SECONDS) {
    throw new AuthConfigError('toleranceInSeconds', `expected a number of seconds in (0, ${MAX_TOLERANCE_SECONDS}]`);
  }
  if (revocation !== undefined && revocation !== false && (typeof revocation !== 'object' || typeof revocation?.revoke !== 'function')) {
    throw new AuthConfigError('revocation', 'expected a revocation store or false');
  }
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '' || issuer.length > 2048)) {
    throw new AuthConfigError('issuer', "expected the Clerk instance's issuer, e.g. https://clerk.example.com");
  }
  if (!Number.isSafeInteger(maxRememberedDeliveries) || maxRememberedDeliveries < 1) {
    throw new AuthConfigError('maxRememberedDeliveries', 'expected a whole number of at least 1');
  }
  return { signingSecret, toleranceInSeconds, revocation, issuer, maxRememberedDeliveries };
}

/**
 * The issuer webhook revocations are scoped to: the module's `issuer`, else the AuthModule's one
 * issuer, else its one `clerk()` entry of `issuers`; undefined (every issuer) when none can be told.
 */
export function webhookIssuer(options: ResolvedClerkWebhooksOptions, auth: ResolvedAuthOptions | undefined): string | undefined {
  if (options.issuer !== undefined) return options.issuer;
  if (!auth) return undefined;
  const { issuers } = auth;
  if (issuers.single) return issuers.entries[0].issuer?.length === 1 ? issuers.entries[0].issuer[0] : undefined;
  const fromClerk = issuers.entries.filter((entry) => entry.classifyToken === clerkTokenClass && entry.issuer?.length === 1);
  return fromClerk.length === 1 ? fromClerk[0].issuer?.[0] : undefined;
}
