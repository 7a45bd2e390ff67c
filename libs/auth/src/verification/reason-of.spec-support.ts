import { expect } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { admit } from '../policy/admit.js';
import type { TokenVerifier } from './token-verifier.js';
import type { Verification } from './verification.js';

/** For verifier specs: the AuthError reason a verification was refused with, or 'accepted'. */
export async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).reason;
  }
  return 'accepted';
}

/**
 * For verifier specs of rules that moved into the decision (`azp`, pending sessions): verifies the
 * token, then lets a route that accepts any class decide; rejects with the refusal, as `verify` did.
 */
export async function admitted(verifier: TokenVerifier, token: string): Promise<Verification> {
  const verification = await verifier.authenticate(token);
  const { error } = admit(verification, {}, 'any');
  if (error) throw error;
  return verification;
}
