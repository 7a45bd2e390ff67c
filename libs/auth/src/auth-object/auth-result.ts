import type { AuthError } from '../auth.errors.js';
import type { MachineTokenType } from '../verification/token-class.js';
import { signedOutAuthObject, type AuthObject } from './auth-object.js';
import { signedOutMachineAuthObject, type MachineAuthObject, type SignedOutMachineAuthObject } from './machine-auth-object.js';

/** Every auth object this library makes: sessions and machines, signed in or out. Narrow on `tokenType` and `isAuthenticated`. */
export type AnyAuthObject = AuthObject | MachineAuthObject | SignedOutMachineAuthObject;

/** The outcome of authenticating one request: always an auth object, and why it is signed out. */
export interface AuthResult {
  /** A session's auth object, or a machine's (narrow on `tokenType`). */
  auth: AnyAuthObject;
  /** Null when signed in, or when no token was sent. */
  error: AuthError | null;
  /** Whether the request carried a token at all. */
  tokenPresent: boolean;
}

/**
 * A signed-out result (frozen); its auth object is a session's, or with `machine` the signed-out
 * object of that machine class (a route that accepts only that class, as `@clerk/backend`).
 */
export function signedOutResult(error: AuthError | null, tokenPresent: boolean, machine?: MachineTokenType): AuthResult {
  const auth = machine ? signedOutMachineAuthObject(machine, error, tokenPresent) : signedOutAuthObject(error, tokenPresent);
  return Object.freeze({ auth, error, tokenPresent });
}
