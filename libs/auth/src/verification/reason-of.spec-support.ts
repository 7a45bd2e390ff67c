import { expect } from '@jest/globals';
import { AuthError } from '../auth.errors.js';

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
