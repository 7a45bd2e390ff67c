import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { AUTH_OPTIONS } from '../../auth.constants.js';
import { AuthService } from '../../auth.service.js';
import type { ResolvedAuthOptions } from '../../config/resolved-options.js';
import { contextTypeOf, getAuthCarrier, storedVerification, type AuthCarrier } from '../../request-context.js';
import { sessionCookieRefusal } from '../../token/cookie-origin.js';
import { extractToken } from '../../token/extract-token.js';
import { signedOutVerification, withClientUat, type Verification } from '../../verification/verification.js';
import { callerOf, keepCountedVerification, trackerOf, type TrackerOptions } from './caller.js';

type Req = Record<string, unknown>;
const SIGNED_OUT = signedOutVerification(null, false);

/**
 * `@nestjs/throttler`'s guard, keyed by who is calling instead of the IP address: each user, machine
 * and API key has its own bucket, per issuer ({@link trackerOf}; organizations with the throttler
 * option `getTracker: authTracker({ per: 'organization' })`); anonymous requests count by IP. Limits
 * can depend on the caller (`limit: (context) => ...` with {@link callerOf}). It reads what `AuthGuard`
 * attached; when it runs first (a global guard registered before the AuthModule's, a route without
 * AuthGuard) it verifies the request's token itself, as AuthGuard would, without deciding anything.
 * Storage is the throttler's: in memory, or Redis (`@nest-lab/throttler-storage-redis`) to share limits
 * between replicas. Over the limit: 429 with `Retry-After`, as the throttler answers; over GraphQL the
 * same HttpException, over WebSockets the throttler's exception in the socket's `exception` event.
 *
 * @example
 * providers: [{ provide: APP_GUARD, useClass: AuthThrottlerGuard }]
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  @Inject(AuthService) protected readonly authService!: AuthService;
  @Inject(AUTH_OPTIONS) protected readonly authOptions!: ResolvedAuthOptions;

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const carrier = getAuthCarrier(context, this.authOptions);
    if (carrier && !storedVerification(carrier)) keepCountedVerification(carrier, await this.verify(carrier));
    return super.canActivate(context);
  }

  /** The caller's bucket: {@link trackerOf} of {@link callerOf}, the address for anonymous requests. */
  protected override getTracker(req: Req, context?: ExecutionContext): Promise<string> {
    const ip = normalizeIp(addressOf(req), this.ipv6SubnetPrefix);
    return Promise.resolve(context ? trackerOf(callerOf(context), ip) : `ip:${ip}`);
  }

  /** HTTP as the throttler reads it; GraphQL's request and response; a WebSocket's handshake (no headers to set). */
  protected override getRequestResponse(context: ExecutionContext): { req: Req; res: Req } {
    switch (contextTypeOf(context)) {
      case 'graphql': {
        const gql = context.getArgByIndex<{ req?: Req; res?: Req; request?: Req; reply?: Req & { request?: Req } } | undefined>(2);
        return { req: gql?.req ?? gql?.request ?? gql?.reply?.request ?? {}, res: gql?.res ?? gql?.reply ?? {} };
      }
      case 'ws': {
        const client = context.switchToWs().getClient<{ handshake?: { address?: string }; _socket?: { remoteAddress?: string } }>();
        const carrier = getAuthCarrier(context, this.authOptions);
        return { req: { headers: carrier?.headers ?? {}, ip: client?.handshake?.address ?? client?._socket?.remoteAddress }, res: {} };
      }
      default:
        return super.getRequestResponse(context);
    }
  }

  /** 429 as the throttler throws it; over WebSockets, as a `WsException` the client receives. */
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    if (contextTypeOf(context) !== 'ws') return super.throwThrottlingException(context, detail);
    const { WsException } = await import('@nestjs/websockets');
    throw new WsException({ status: 'error', statusCode: 429, message: await this.getErrorMessage(context, detail), retryAfter: detail.timeToBlockExpire });
  }

  /** AuthGuard's verification of the carrier's token (the cookie's own rules included), for counting only. */
  private async verify(carrier: AuthCarrier): Promise<Verification> {
    const found = extractToken(carrier.headers, this.authOptions, carrier.token);
    if (!found || sessionCookieRefusal(carrier, found.source, this.authOptions, this.authOptions.issuers.authorizedParties)) return SIGNED_OUT;
    return withClientUat(await this.authService.verification(found.token, found.source), found.clientUat);
  }
}

/** The client's address: Express and Fastify `req.ip`, else the socket's; '' when none is known. */
function addressOf(req: Req): string {
  const socket = req.socket as { remoteAddress?: unknown } | undefined;
  const ip = typeof req.ip === 'string' ? req.ip : socket?.remoteAddress;
  return typeof ip === 'string' ? ip : '';
}

/**
 * A throttler `getTracker` keyed by the caller ({@link trackerOf}), for `ThrottlerModule` options
 * (`getTracker: authTracker({ per: 'organization' })`) with `AuthThrottlerGuard`, or with the plain
 * `ThrottlerGuard` registered after `AuthGuard`.
 */
export function authTracker(options: TrackerOptions = {}): (req: Req, context: ExecutionContext) => string {
  return (req, context) => trackerOf(callerOf(context), normalizeIp(addressOf(req)), options);
}
