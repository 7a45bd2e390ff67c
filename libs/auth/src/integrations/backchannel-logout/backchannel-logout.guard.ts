import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError } from '../../auth.errors.js';
import { AUTH_OPTIONS } from '../../auth.constants.js';
import { AuthService } from '../../auth.service.js';
import { AuthConfigError } from '../../config/auth-config-error.js';
import type { ResolvedAuthOptions } from '../../config/resolved-options.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';
import { BACKCHANNEL_LOGOUT_OPTIONS, logoutIssuers, type ResolvedBackchannelLogoutOptions } from './logout-options.js';
import { LogoutTokenError, verifyLogoutToken, type BackchannelLogoutEvent, type LogoutTokenRules } from './logout-token.js';

/** Key (on the request) of the logout the guard admitted, for `@LogoutEvent()`. */
const LOGOUT_EVENT = Symbol.for('nestjs-warden:backchannel-logout-event');
const logger = new Logger('nestjs-warden');
/** `Retry-After` when the revocation could not be recorded or the issuer's keys could not be had. */
const RETRY_AFTER_SECONDS = 5;

interface LogoutRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Admits an OpenID Connect Back-Channel Logout request and ends the session it names, before the
 * handler runs: the `logout_token` of an `application/x-www-form-urlencoded` POST is verified
 * ({@link verifyLogoutToken}), its `jti` accepted once (remembered in the revocation store, so a replay
 * to another replica is refused too), and the session revoked by issuer and `sid` (or every session of
 * the user, by issuer and `sub`). A refused token: 400 `{ error: 'invalid_request', error_description }`
 * and nothing revoked; the revocation store or the issuer's keys unavailable: 503 with `Retry-After`.
 * Every answer carries `Cache-Control: no-store`. Apply it with `@BackchannelLogout()`.
 */
@Injectable()
export class BackchannelLogoutGuard implements CanActivate {
  private readonly store: RevocationStore;
  private readonly rules: LogoutTokenRules;
  /** Logout tokens being handled on this replica: a duplicate sent meanwhile is a replay too. */
  private readonly inFlight = new Set<string>();

  constructor(
    @Inject(BACKCHANNEL_LOGOUT_OPTIONS) options: ResolvedBackchannelLogoutOptions,
    @Inject(AUTH_OPTIONS) authOptions: ResolvedAuthOptions,
    authService: AuthService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    const store = options.revocation ?? authOptions.revocation;
    if (!store) {
      throw new AuthConfigError(
        'revocation',
        'BackchannelLogoutModule has no revocation store: the AuthModule has no `revocation` and none was given here, so logouts would be ' +
          'acknowledged and end nothing. Give the AuthModule a store (redisRevocationStore() for several replicas) or pass one as `revocation`',
      );
    }
    this.store = store;
    const { issuers } = authService.verifier;
    this.rules = {
      issuers: logoutIssuers(options, authOptions),
      verifierFor: (iss) => issuers.forIssuer(iss),
      audience: options.audience,
      requireLogoutTyp: options.requireLogoutTyp,
      revokeBy: options.revokeBy,
      maxTokenAgeInSeconds: options.maxTokenAgeInSeconds,
      clock: authOptions.clock ?? Date.now,
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<LogoutRequest>();
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    try {
      const event = await this.logout(request);
      // Stryker disable next-line BooleanLiteral: defined once per request (a second run refuses the token as a replay before this line); enumerable's mutant is killed.
      Object.defineProperty(request, LOGOUT_EVENT, { value: event, configurable: true, enumerable: false });
      return true;
    } catch (error) {
      if (!(error instanceof LogoutTokenError)) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
      const response: unknown = http.getResponse();
      const adapter = this.adapterHost?.httpAdapter;
      if (adapter && response) for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
      if (error instanceof LogoutTokenError) throw new BadRequestException({ error: 'invalid_request', error_description: error.message });
      throw new ServiceUnavailableException({ error: 'temporarily_unavailable', error_description: 'the logout could not be processed now; retry later' });
    }
  }

  private async logout(request: LogoutRequest): Promise<BackchannelLogoutEvent> {
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
      throw new LogoutTokenError('expected an application/x-www-form-urlencoded body');
    }
    const body = request.body;
    const token = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).logout_token : undefined;
    let event: BackchannelLogoutEvent;
    try {
      event = await verifyLogoutToken(token, this.rules);
    } catch (error) {
      if (error instanceof LogoutTokenError || !(error instanceof AuthError)) throw error;
      logger.warn(`Back-channel logout: the issuer's keys could not be had (${error.reason}); answering 503`);
      throw error;
    }
    const key = `${event.iss}\n${event.jti}`;
    if (this.inFlight.has(key)) throw new LogoutTokenError('this logout token was received already');
    this.inFlight.add(key);
    try {
      if (this.seen(event)) throw new LogoutTokenError('this logout token was received already');
      // The session first, then the jti: a failure between them leaves the token acceptable again, so the provider's retry revokes.
      await this.store.revoke(event.revoked);
      await this.store.revoke({ iss: event.iss, jti: event.jti }, event.acceptableUntil);
    } catch (error) {
      if (error instanceof LogoutTokenError) throw error;
      logger.warn('Back-channel logout: the revocation could not be recorded; answering 503 so the provider may retry');
      throw error;
    } finally {
      this.inFlight.delete(key);
    }
    return event;
  }

  /** Whether the store holds this token's `jti` already (handled by this or another replica). Throws when it cannot tell. */
  private seen(event: BackchannelLogoutEvent): boolean {
    return this.store.isRevoked({ iss: event.iss, jti: event.jti });
  }
}

/** The logout `BackchannelLogoutGuard` admitted on this request, or undefined. */
export function logoutEventOf(request: object): BackchannelLogoutEvent | undefined {
  return Object.hasOwn(request, LOGOUT_EVENT) ? (request as Record<symbol, BackchannelLogoutEvent>)[LOGOUT_EVENT] : undefined;
}
