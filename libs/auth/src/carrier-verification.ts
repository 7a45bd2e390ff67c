import type { AuthResult } from './auth-object/auth-object.js';
import { resultForAccepted } from './auth-object/auth-object-for.js';
import { carrierOf } from './request-context.js';
import type { AcceptsToken } from './verification/token-class.js';

/**
 * What the guard verified for a carrier (request, handshake, message), before any route chose the
 * classes it accepts: one GraphQL request runs the guard once per field, and fields may accept
 * different classes, so each field decides from this, never from what the previous field made of it.
 */
export interface CarrierVerification {
  /** The result of verification, whatever the class of its token. */
  result: AuthResult;
  /** The `acceptsToken` of the token's issuer (or of the module), for routes that do not say. */
  accepts: AcceptsToken;
  /** The token came from the session cookie (machine tokens never count from there). */
  fromCookie: boolean;
}

// One map per process, on globalThis, so two copies of the library still agree.
const verifications: WeakMap<object, CarrierVerification> = ((globalThis as unknown as Record<symbol, WeakMap<object, CarrierVerification> | undefined>)[
  Symbol.for('nestjs-warden:carrier-verification')
] ??= new WeakMap());

/** Remembers what the guard verified for a carrier. */
export function rememberVerification(carrier: object, verification: CarrierVerification): void {
  verifications.set(carrier, verification);
}

/**
 * What the guard verified for a carrier, or (unless `direct`) for the carrier behind a WebSocket
 * client or an RPC context.
 */
export function verificationOf(value: unknown, direct = false): CarrierVerification | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const own = verifications.get(value);
  if (own || direct) return own;
  const carrier = carrierOf(value);
  return carrier && verifications.get(carrier);
}

/**
 * The result a route accepting `accepts` (default: the token's issuer's, else the module's) and, when
 * given, only tokens of `issuers` sees; undefined when the guard verified nothing here.
 */
export function acceptedResultOf(value: unknown, accepts?: AcceptsToken, issuers?: readonly string[]): AuthResult | undefined {
  const verification = verificationOf(value);
  return verification && resultForAccepted(verification.result, accepts ?? verification.accepts, verification.fromCookie, issuers);
}
