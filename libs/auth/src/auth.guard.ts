import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { AUTH_GUARD_MARKER, AUTH_OPTIONS, AUTH_POLICY_METADATA } from './auth.constants.js';
import type { AuthPolicy } from './auth.decorators.js';
import { AuthError, AuthErrorReason, isUnavailable } from './auth.errors.js';
import { unauthorizedDenial, unavailableDenial, type AuthDenial } from './auth.exceptions.js';
import { observerOf } from './auth-events.js';
import { AUTH_DEFAULTS, type ResolvedAuthOptions } from './config/resolve-auth-options.js';
import { signedInDenial } from './policy/signed-in-denial.js';
import { AuthService, type AuthResult } from './auth.service.js';
import { authStateOf, contextTypeOf, getAuthCarrier, setAuthState, type AuthCarrier } from './request-context.js';
import { resultForAccepted } from './auth-object/auth-object-for.js';
import { signedOutResult } from './auth-object/auth-object.js';
import { rememberVerification, verificationOf } from './carrier-verification.js';
import { sessionCookieRefusal } from './token/cookie-origin.js';
import { optionsFor } from './issuers/issuer-of.js';
import { logRefusal } from './operator-log.js';
import { recheckStoredResult } from './stored-verdict.js';
import { extractToken } from './token/extract-token.js';
import { sentWithAnotherScheme, withSchemeReason } from './token/token-scheme.js';
import { toTransportException } from './transport-exceptions.js';

/**
 * Authenticates every request it guards and enforces the route's policy:
 * 1. policy: the method's decorator, else the class's, else `defaultPolicy`;
 * 2. the request behind the context (HTTP, GraphQL, a WebSocket handshake, an RPC message);
 * 3. the token: header first, then cookie;
 * 4. verification (signed out with a reason on failure), once per request or message; a token of a
 *    class the route does not accept (`acceptsToken`) is signed out;
 * 5. the auth object, attached as `req.auth` for `@Auth()` and `getAuth(req)`;
 * 6. required and signed out -> 401, keys, introspection or revocation status unavailable -> 503,
 *    check failed -> 403, as the transport's error: HttpException, GraphQL error code, WsException,
 *    RpcException.
 *
 * Register it for the whole app with `AuthModule.forRoot({ global: true })`, or per controller with
 * `@UseGuards(AuthGuard)`. Subclass it and override the protected steps to customise.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Route policies by handler, then class (a handler inherited by a subclass may differ): metadata never changes after boot. */
  private readonly policies = new WeakMap<object, Map<object, AuthPolicy>>();

  constructor(
    protected readonly reflector: Reflector,
    protected readonly authService: AuthService,
    @Inject(AUTH_OPTIONS) protected readonly options: ResolvedAuthOptions,
    @Optional() protected readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** Synchronous when the request can be decided at once (a cached token, a result already attached). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.getPolicy(context);
    const carrier = this.getCarrier(context);
    if (!carrier) {
      if (policy.mode === 'optional') return true;
      return this.refuse(context, unauthorizedDenial(new AuthError(AuthErrorReason.TokenMissing), this.options.realm, false));
    }
    // A WebSocket is `live`: each message is checked again, so a token expiring mid-connection stops working.
    // A result stored on any other carrier (which may outlive it: a graphql-ws upgrade request) is re-checked.
    const stored = Object.hasOwn(carrier, 'live') && carrier.live ? undefined : (verificationOf(carrier, true)?.result ?? authStateOf(carrier));
    const result = stored ? recheckStoredResult(stored, this.authService.verifier) : (this.crossOriginCookie(carrier) ?? this.authenticateCarrier(carrier));
    // `fresh`: decided here, not by a guard before this one on the same request (observed once).
    const fresh = stored === undefined;
    if (typeof (result as PromiseLike<AuthResult>).then === 'function') {
      return Promise.resolve(result).then((settled) => this.decide(context, policy, carrier, settled, fresh && 'miss'));
    }
    return this.decide(context, policy, carrier, result as AuthResult, fresh && 'hit');
  }

  /** Steps 3 and 4; a token header under another scheme than Bearer gets its own reason. */
  private authenticateCarrier(carrier: AuthCarrier): AuthResult | Promise<AuthResult> {
    const token = this.getToken(carrier);
    const result = this.authenticate(token);
    if (token !== null || !sentWithAnotherScheme(carrier.headers, this.options)) return result;
    return Promise.resolve(result).then(withSchemeReason);
  }

  private decide(
    context: ExecutionContext,
    policy: AuthPolicy,
    carrier: AuthCarrier,
    result: AuthResult,
    fresh: 'hit' | 'miss' | false,
  ): boolean | Promise<boolean> {
    const admitted = this.admitTokenType(policy, carrier, result);
    this.attach(carrier, admitted);
    const verdict = this.enforce(context, policy, admitted);
    if (fresh) observerOf(this.options)?.decided(context, policy.mode, admitted, verdict, fresh === 'hit', result);
    return verdict;
  }

  /**
   * Step 4b: a token of a class the route does not accept (`acceptsToken`), or of an issuer it does
   * not (`issuer`), is signed out, before any `has()`; machine tokens count only outside the session
   * cookie. Synchronous.
   */
  protected admitTokenType(policy: AuthPolicy, carrier: AuthCarrier, result: AuthResult): AuthResult {
    const { auth } = result;
    const fromCookie =
      auth.isAuthenticated && auth.tokenType !== 'session_token' && extractToken(carrier.headers, this.options, carrier.token)?.source === 'cookie';
    // The default: the token's issuer's (several issuers), else the module's.
    const accepts = optionsFor(auth, this.options).acceptsToken;
    // Kept as verified: the next route on this carrier (a GraphQL field) may accept other classes.
    rememberVerification(carrier, { result, accepts, fromCookie });
    return resultForAccepted(result, policy.acceptsToken ?? accepts, fromCookie, policy.issuer);
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
      if (!byClass) this.policies.set(handler, (byClass = new Map()));
      byClass.set(type, policy);
    }
    return policy;
  }

  /** Step 2: the request (or handshake, or message) that carries headers and receives `auth`. */
  protected getCarrier(context: ExecutionContext): AuthCarrier | undefined {
    return getAuthCarrier(context, this.options);
  }

  /**
   * Before step 3: a request whose token would come from a session cookie it must not trust is
   * refused: sent by a page on an origin that is neither the API's own nor in `authorizedParties`
   * (cross-site request forgery), or sent twice with different values (cookie tossing). See
   * `sessionCookieRefusal`; cheap for requests without an `Origin` header.
   */
  private crossOriginCookie(carrier: AuthCarrier): AuthResult | undefined {
    const refusal = sessionCookieRefusal(carrier, this.options, this.options.issuers.authorizedParties);
    return refusal && signedOutResult(refusal, true);
  }

  /** Step 3: the raw token, or null. */
  protected getToken(carrier: AuthCarrier): string | null {
    return extractToken(carrier.headers, this.options, carrier.token)?.token ?? null;
  }

  /**
   * Step 4: verification; never throws. A token the cache holds is answered at once, unless the
   * `AuthService` was replaced by one with its own `authenticate()`, which then sees every token.
   */
  protected authenticate(token: string | null): AuthResult | Promise<AuthResult> {
    if (token && this.authService.authenticate === AuthService.prototype.authenticate) {
      const cached = this.authService.authenticateCached(token);
      if (cached) return cached;
    }
    const observer = token ? observerOf(this.options) : undefined;
    if (!observer?.metrics) return this.authService.authenticate(token);
    const started = performance.now();
    return observer.timed(this.authService.authenticate(token), started);
  }

  /** Step 5: make the result visible to `@Auth()`, `getAuth(req)` and `req.auth`. */
  protected attach(carrier: AuthCarrier, result: AuthResult): void {
    setAuthState(carrier, result);
  }

  /** Step 6: allow, or refuse with 401 / 403 / 503 (a rejected promise). */
  protected enforce(context: ExecutionContext, policy: AuthPolicy, result: AuthResult): boolean | Promise<boolean> {
    if (policy.mode === 'optional') return true;
    const { auth, error } = result;
    if (!auth.isAuthenticated) {
      if (result.tokenPresent && isUnavailable(error)) {
        return this.refuse(context, unavailableDenial(error, this.retryAfterSeconds(error)));
      }
      return this.refuse(context, unauthorizedDenial(error, this.options.realm, this.options.debug === true));
    }
    const denial = signedInDenial(policy, auth, this.options);
    return denial ? this.refuse(context, denial) : true;
  }

  /** When a retry makes sense after an "unavailable" reason without its own hint: the source's cooldown. */
  private retryAfterSeconds(error: AuthError): number {
    const cooldownMs =
      error.reason === AuthErrorReason.IntrospectionUnavailable ? (this.options.opaque?.cooldownInMs ?? 0) : (this.options.issuers.entries[0]?.jwksCooldownInMs ?? AUTH_DEFAULTS.jwksCooldownInMs);
    return cooldownMs / 1000;
  }

  private async refuse(context: ExecutionContext, denial: AuthDenial): Promise<never> {
    observerOf(this.options)?.noteDenial(context, denial);
    if (this.options.debug === true) logRefusal(context, denial);
    throw await this.deny(context, denial);
  }

  /** Turns a denial into the exception of the transport, with its headers on HTTP responses. */
  protected deny(context: ExecutionContext, denial: AuthDenial): Promise<Error> {
    const type = contextTypeOf(context);
    if (type === 'http') {
      const adapter = this.adapterHost?.httpAdapter;
      const response: unknown = context.switchToHttp().getResponse();
      if (adapter && response) {
        for (const [name, value] of Object.entries(denial.headers)) adapter.setHeader(response, name, value);
      }
    }
    return toTransportException(type, denial, this.options.debug === true);
  }
}

// The boot check recognises AuthGuard and its subclasses by this mark, not by `instanceof`: an app
// that ends up with two copies of the library still has its guards recognised.
Object.defineProperty(AuthGuard.prototype, AUTH_GUARD_MARKER, { value: true });
