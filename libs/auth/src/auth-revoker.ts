import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { revocationRequestOf, revokeIn, type RevocableAuth } from './revocation/auth-revocation.js';
import type { RevocationStore, RevocationTarget } from './revocation/revocation-store.js';

/**
 * Revokes sessions, users and tokens in the AuthModule's revocation store (the `revocation` option),
 * so handlers need neither a store of their own nor a module-scope singleton. Every revocation of a
 * signed-in caller is scoped to the issuer that signed it in. An app that injects it while the
 * AuthModule has no revocation store stops at boot, naming the option (`AuthBootChecks`).
 *
 * @example
 * constructor(private readonly revoker: AuthRevoker) {}
 *
 * @Post('sign-out-everywhere')
 * signOutEverywhere(@Auth() auth: SignedInAuthObject) {
 *   return this.revoker.revokeUser(auth);
 * }
 */
@Injectable()
export class AuthRevoker {
  /** Undefined without a `revocation` option: the boot checks stop an app that injects this then. */
  private readonly store: RevocationStore | undefined;

  constructor(@Inject(AUTH_OPTIONS) options: ResolvedAuthOptions) {
    this.store = options.revocation;
  }

  /** Signs this session out on every replica (its `sid`). Sessions only. */
  revokeSession(auth: RevocableAuth): Promise<void> {
    return revokeIn(this.store, revocationRequestOf(auth, 'session'));
  }

  /** Signs the user out everywhere: every session of `auth.userId`. Sessions only. */
  revokeUser(auth: RevocableAuth): Promise<void> {
    return revokeIn(this.store, revocationRequestOf(auth, 'user'));
  }

  /** Refuses this one token (its `jti`) until it expires; any class whose issuer sets `jti`. */
  revokeToken(auth: RevocableAuth): Promise<void> {
    return revokeIn(this.store, revocationRequestOf(auth, 'token'));
  }

  /**
   * Revokes what `target` names (`{ iss?, sid?, sub?, jti? }`), e.g. from an admin endpoint or a webhook,
   * until `untilEpochSeconds` (default: the store's `maxTokenLifetimeInSeconds` from now). Pass the
   * `iss` the ids belong to when the app trusts several issuers.
   */
  revoke(target: RevocationTarget, untilEpochSeconds?: number): Promise<void> {
    return revokeIn(this.store, { target, untilEpochSeconds });
  }
}
