import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import type { AuthResult } from './auth-object/auth-result.js';
import { AUTH_GUARD_MARKER, AUTH_OBSERVER, AUTH_OPTIONS, AUTH_POLICY_METADATA } from './auth.constants.js';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import type { AuthObserver } from './auth-events.js';
import { AuthService } from './auth.service.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { logRefusal } from './operator-log.js';
import { decide, type Outcome } from './policy/decide.js';
import type { AuthDenial } from './policy/denials.js';
import type { AuthPolicy } from './policy/route-policy.js';
import {
  attachVerification,
  contextTypeOf,
  getAuthCarrier,
  presentedToken,
  sharedProofCheck,
  storedVerification,
  type AuthCarrier,
} from './request-context.js';
import { sessionCookieRefusal } from './token/cookie-origin.js';
import { extractToken, type ExtractedToken } from './token/extract-token.js';
import { sentWithAnotherScheme, withSchemeReason } from './token/token-scheme.js';
import { toTransportException } from './transport-exceptions.js';
import { asVerification, signedOutVerification, withClientUat, type TokenOrigin, type TokenScheme, type Verification } from './verification/verification.js';

/** A request with nothing the guard can read (a transport it does not know): no token. */
const NO_CARRIER = signedOutVerification(new AuthError(AuthErrorReason.TokenMissing, 'no token'), false);

/**
 * Authenticates every request it guards and enforces the route's policy, along one path (each step a
 * protected method, in this order):
 * 1. {@link getPolicy}: the method's decorator, else the class's, else `defaultPolicy`;
 * 2. {@link getCarrier}: the request behind the context (HTTP, GraphQL, a WebSocket handshake, an RPC message);
 * 3. the verification: {@link recheck} of one stored on the carrier by an earlier guard run, else
 *    {@link getToken} (header first, then cookie), {@link authenticate} (the cache, or a full
 *    verification) and {@link checkProof} (a DPoP proof or client certificate for a bound token);
 * 4. {@link decide}: every acceptance rule of the route (classes, issuers, `azp`, pending sessions,
 *    `has()`, reverification, step-up), giving what the route sees and the refusal, if any;
 * 5. {@link attach}: the verification stored on the carrier, the route's auth object as `req.auth`;
 * 6. {@link observe}: metrics and event hooks (once per request);
 * 7. {@link deny}: 401, 403 or 503 as the transport's error (HttpException, GraphQL error code,
 *    WsException, RpcException).
 *
 * Register it for the whole app with `AuthModule.forRoot({ global: true })`, or per controller with
 * `@UseGuards(AuthGuard)`. Subclass it and override the protected steps to customise.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Route policies by handler, then class (a handler inherited by a subclass may differ): metadata never changes after boot. */
  private readonly policies = new WeakMap<object, Map<object, AuthPolicy>>();

  /** The module's metrics and event hooks; null when nothing observes. Injected by property, so subclasses need not pass it. */
  @Optional() @Inject(AUTH_OBSERVER) protected readonly observer: AuthObserver | null = null;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly authService: AuthService,
    @Inject(AUTH_OPTIONS) protected readonly options: ResolvedAuthOptions,
    @Optional() protected readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** Synchronous when the request can be decided at once (a cached token, a verification already stored). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.getPolicy(context);
    const carrier = this.getCarrier(context);
    // A WebSocket is `live`: each message is verified again, so a token expiring mid-connection stops working.
    const stored = carrier && !(Object.hasOwn(carrier, 'live') && carrier.live) ? storedVerification(carrier) : undefined;
    const verification = stored ? this.recheck(stored) : carrier ? this.verifyCarrier(carrier) : NO_CARRIER;
    // `fresh`: decided here, not by a guard before this one on the same request (observed once).
    const fresh = stored === undefined;
    if (isThenable(verification)) return Promise.resolve(verification).then((v) => this.conclude(context, policy, carrier, v, fresh));
    return this.conclude(context, policy, carrier, verification, fresh);
  }

  /** Steps 4 to 7, once the verification is known. */
  private conclude(
    context: ExecutionContext,
    policy: AuthPolicy,
    carrier: AuthCarrier | undefined,
    v: Verification,
    fresh: boolean,
  ): boolean | Promise<boolean> {
    const outcome = this.decide(policy, v);
    if (carrier) this.attach(carrier, v, outcome);
    if (fresh) this.observe(context, policy, v, outcome);
    return outcome.denial ? this.deny(context, outcome.denial) : true;
  }

  /** Step 1: what this route requires. */
  protected getPolicy(context: ExecutionContext): AuthPolicy {
    const handler = context.getHandler();
    const type = context.getClass();
    let byClass = this.policies.get(handler);
    let policy = byClass?.get(type);
    if (policy === undefined) {
      policy = this.reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY_METADATA, [handler, type]) ?? {
        mode: this.options.defaultPolicy,
      };
      if (!byClass) this.policies.set(handler, (byClass = new Map<object, AuthPolicy>()));
      byClass.set(type, policy);
    }
    return policy;
  }

  /** Step 2: the request (or handshake, or message) that carries headers and receives `auth`. */
  protected getCarrier(context: ExecutionContext): AuthCarrier | undefined {
    return getAuthCarrier(context, this.options);
  }

  /**
   * Step 3, for a carrier an earlier guard run verified (a second guard, another GraphQL field, the
   * upgrade request of a graphql-ws connection): checked again as a new request with the same token
   * would be (time window, issuer still trusted, revocation), never simply reused.
   */
  protected recheck(stored: Verification): Verification | Promise<Verification> {
    return this.authService.recheck(stored);
  }

  /**
   * Step 3: the token and where it was found, extracted once: the token header first, then the
   * session cookie (in the configured order). Override to read it elsewhere: a bare string counts
   * as a header token.
   */
  protected getToken(carrier: AuthCarrier): ExtractedToken | string | null {
    return extractToken(carrier.headers, this.options, carrier.token);
  }

  /**
   * Step 3: the verification of the token (null: none was found). Never throws. The default asks
   * {@link AuthService.verification}, which the cache answers at once for a token it holds. An
   * override may return a plain {@link AuthResult}: its issuer is then unknown, and the module's
   * defaults apply to it.
   */
  protected authenticate(
    token: string | null,
    source: TokenOrigin | null = token === null ? null : 'header',
  ): Verification | AuthResult | Promise<Verification | AuthResult> {
    const started = this.observer?.metrics && token ? performance.now() : undefined;
    const verification = this.authService.verification(token, source);
    if (started === undefined || !(verification instanceof Promise)) return verification;
    return (this.observer as AuthObserver).timed(verification, started);
  }

  /**
   * Step 3, after {@link authenticate}: the proof of possession of a sender-constrained token, from
   * this request (RFC 9449 DPoP: the `DPoP` header, the method and URL; RFC 8705 mTLS: the client
   * certificate). The verified token stays cached; only its proof is checked per request. Never throws.
   */
  protected checkProof(carrier: AuthCarrier, v: Verification, scheme: TokenScheme | null): Verification | Promise<Verification> {
    const presented = presentedToken(carrier, scheme, this.options, v.token);
    if (scheme !== 'dpop' || !v.auth.isAuthenticated) return this.authService.checkProof(v, presented);
    // GraphQL guards a query's fields at once: one proof, checked once per request.
    return sharedProofCheck(carrier, `${v.token}\n${presented.dpopProofs.join(',')}`, () => this.authService.checkProof(v, presented));
  }

  /** Step 4: every acceptance rule of the route, on the verification (see `decide`). */
  protected decide(policy: AuthPolicy, v: Verification): Outcome {
    return decide(policy, v, this.options);
  }

  /** Step 5: the verification stays on the carrier for later routes; the route's auth object becomes `req.auth`. */
  protected attach(carrier: AuthCarrier, v: Verification, outcome: Outcome): void {
    attachVerification(carrier, v, outcome.result.auth);
  }

  /** Step 6: metrics and event hooks hear the decision; they never change it. */
  protected observe(context: ExecutionContext, policy: AuthPolicy, v: Verification, outcome: Outcome): void {
    this.observer?.record(context, policy.mode, v, outcome);
    if (outcome.denial && this.options.debug) logRefusal(context, outcome.denial);
  }

  /** Step 7: the transport's exception for a denial, with its headers on HTTP responses (a rejected promise). */
  protected async deny(context: ExecutionContext, denial: AuthDenial): Promise<never> {
    const type = contextTypeOf(context);
    if (type === 'http') {
      const adapter = this.adapterHost?.httpAdapter;
      const response: unknown = context.switchToHttp().getResponse();
      if (adapter && response) {
        for (const [name, value] of Object.entries(denial.headers)) adapter.setHeader(response, name, value);
      }
    }
    throw await toTransportException(type, denial, this.options.debug);
  }

  /** Step 3 for a carrier without a stored verification: the token, the session cookie's own rules, then verification. */
  private verifyCarrier(carrier: AuthCarrier): Verification | Promise<Verification> {
    const given = this.getToken(carrier);
    const found: ExtractedToken | null = typeof given === 'string' ? { token: given, source: 'header' } : given;
    const token = found?.token ?? null;
    const source = found?.source ?? null;
    const scheme: TokenScheme | null = found?.scheme ?? (source === 'header' ? 'bearer' : null);
    const refusal = sessionCookieRefusal(carrier, source, this.options, this.options.issuers.authorizedParties);
    if (refusal) return signedOutVerification(refusal, true, { token, source });
    // A token header under another scheme than Bearer (`Token x`, `Basic x`): no token, but one was probably meant.
    const otherScheme = token === null && sentWithAnotherScheme(carrier.headers, this.options);
    const complete = (result: Verification | AuthResult): Verification | Promise<Verification> => {
      const verification = withClientUat(
        asVerification(result, token, source, this.options.issuers.single ? this.options.issuers.entries[0] : null),
        found?.clientUat,
      );
      return this.checkProof(carrier, otherScheme ? withSchemeReason(verification) : verification, scheme);
    };
    const result = this.authenticate(token, source);
    return isThenable(result) ? Promise.resolve(result).then(complete) : complete(result);
  }
}

/** A promise, or any thenable an override returns (another library's promise). */
function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

// The boot check recognises AuthGuard and its subclasses by this mark, not by `instanceof`: an app
// that ends up with two copies of the library still has its guards recognised.
Object.defineProperty(AuthGuard.prototype, AUTH_GUARD_MARKER, { value: true });
