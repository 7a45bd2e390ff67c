import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AnyAuthObject } from '../../auth-object/auth-result.js';
import { AUTH_POLICY_METADATA } from '../../auth.constants.js';
import { admit } from '../../policy/admit.js';
import type { AuthPolicy } from '../../policy/route-policy.js';
import { getAuthCarrier, storedVerification, type AuthCarrier } from '../../request-context.js';
import { signedOutVerification, type Verification } from '../../verification/verification.js';

/**
 * Key (on a request, handshake or message) of the verification the throttler guard made itself,
 * when it ran before `AuthGuard`: what it counts by, never what any route decides on.
 */
const THROTTLER_VERIFICATION = Symbol.for('nestjs-warden:throttler-verification');
const SIGNED_OUT = signedOutVerification(null, false);
const reflector = new Reflector();

/**
 * The verification the caller of `context` is counted by: the one `AuthGuard` attached (it ran
 * first), else the one the throttler guard made when it ran first, else signed out.
 */
export function countedVerification(carrier: AuthCarrier | undefined): Verification {
  if (!carrier) return SIGNED_OUT;
  const stored = storedVerification(carrier);
  if (stored) return stored;
  return Object.hasOwn(carrier, THROTTLER_VERIFICATION) ? (carrier as Record<symbol, Verification>)[THROTTLER_VERIFICATION] : SIGNED_OUT;
}

/** Keeps the throttler guard's own verification on the carrier (not enumerable), for the limits and the tracker. */
export function keepCountedVerification(carrier: AuthCarrier, v: Verification): void {
  // Stryker disable next-line BooleanLiteral: writable or configurable alone lets the next defineProperty replace the value, and nothing assigns it (enumerable's mutant is killed).
  Object.defineProperty(carrier, THROTTLER_VERIFICATION, { value: v, writable: true, configurable: true, enumerable: false });
}

/**
 * Who is calling, as the route sees it (its classes and issuers, as `@Auth()` would give): signed in
 * (a session, or a machine: narrow on `tokenType`), or signed out. For throttler limits chosen by the
 * caller; needs `AuthThrottlerGuard` (or `AuthGuard` before the throttler guard).
 *
 * @example
 * ThrottlerModule.forRoot({
 *   throttlers: [{ ttl: 60_000, limit: (context) => (callerOf(context).has({ plan: 'pro' }) ? 1000 : 100) }],
 * })
 */
export function callerOf(context: ExecutionContext): AnyAuthObject {
  const v = countedVerification(getAuthCarrier(context));
  const policy = reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY_METADATA, [context.getHandler(), context.getClass()]);
  return admit(v, { acceptsToken: policy?.acceptsToken, issuer: policy?.issuer }, 'session_token').auth;
}

/** What a caller is counted as: each user, organization, machine or API key its own bucket, per issuer. */
export interface TrackerOptions {
  /** Sessions in an organization count against the organization (`orgId`) instead of the user. Default `'user'`. */
  per?: 'user' | 'organization';
}

/**
 * The throttler key of a caller: `user:<iss>:<userId>` (or `org:<iss>:<orgId>` with `per:
 * 'organization'`), `machine:<iss>:<machineId>`, `api-key:<iss>:<id>`, `oauth:<iss>:<userId or
 * clientId>`; for a signed-out caller, `ip:<address>`. The issuer keeps tenants apart (ids are unique
 * within an issuer only).
 *
 * @example
 * trackerOf(auth, '203.0.113.7') // 'user:https://clerk.example.com:user_123'
 */
export function trackerOf(auth: AnyAuthObject, ip: string, options: TrackerOptions = {}): string {
  if (!auth.isAuthenticated) return `ip:${ip}`;
  const issuer = (auth as { issuer?: unknown }).issuer;
  const iss = typeof issuer === 'string' ? issuer : '';
  switch (auth.tokenType) {
    case 'm2m_token':
      return `machine:${iss}:${auth.machineId}`;
    case 'api_key':
      // A key without an id (`jti`) counts against its owner.
      return `api-key:${iss}:${auth.id || auth.subject}`;
    case 'oauth_token':
      return `oauth:${iss}:${auth.userId || auth.clientId}`;
    default:
      return options.per === 'organization' && auth.orgId ? `org:${iss}:${auth.orgId}` : `user:${iss}:${auth.userId}`;
  }
}
