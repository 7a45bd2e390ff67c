import type { RevocationStore } from '../../revocation/revocation-store.js';
import { AuthConfigError } from '../../config/auth-config-error.js';

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
   * (by `sub`) are revoked. Default: the AuthModule's `revocation` store when it has one; `false`
   * turns revocation off (your handler still receives every event).
   */
  revocation?: RevocationStore | false;
}

/** Injection token of the resolved options. */
export const CLERK_WEBHOOKS_OPTIONS = Symbol.for('nestjs-warden:clerk-webhooks-options');

/** The signature library's own bound on the timestamp. */
export const MAX_TOLERANCE_SECONDS = 300;

/** The options after checks and defaults. */
export type ResolvedClerkWebhooksOptions = Required<Omit<ClerkWebhooksOptions, 'revocation'>> & Pick<ClerkWebhooksOptions, 'revocation'>;

/** Checks the options at boot; throws {@link AuthConfigError} naming the option. */
export function resolveClerkWebhooksOptions(options: ClerkWebhooksOptions): ResolvedClerkWebhooksOptions {
  if (!options || typeof options !== 'object') throw new AuthConfigError('ClerkWebhooksModule', 'expected { signingSecret }');
  const { signingSecret, toleranceInSeconds = MAX_TOLERANCE_SECONDS, revocation } = options;
  if (typeof signingSecret !== 'string' || !/^whsec_[A-Za-z0-9+/=]{8,}$/.test(signingSecret)) {
    throw new AuthConfigError('signingSecret', 'expected the endpoint signing secret from the Clerk dashboard (whsec_...)');
  }
  if (typeof toleranceInSeconds !== 'number' || !Number.isFinite(toleranceInSeconds) || toleranceInSeconds <= 0 || toleranceInSeconds > MAX_TOLERANCE_SECONDS) {
    throw new AuthConfigError('toleranceInSeconds', `expected a number of seconds in (0, ${MAX_TOLERANCE_SECONDS}]`);
  }
  if (revocation !== undefined && revocation !== false && (typeof revocation !== 'object' || typeof revocation?.revoke !== 'function')) {
    throw new AuthConfigError('revocation', 'expected a revocation store or false');
  }
  return { signingSecret, toleranceInSeconds, revocation };
}
