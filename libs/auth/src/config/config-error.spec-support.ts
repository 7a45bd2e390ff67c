import { expect } from '@jest/globals';
import { AuthConfigError } from './auth-config-error.js';

/** The config error `run` throws (anything else, or nothing, fails the test). */
export function configRefusal(run: () => unknown): AuthConfigError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof AuthConfigError)) throw new Error(`expected an AuthConfigError, got ${String(caught)}`);
  return caught;
}

/** `run` stops the boot naming `option`, with exactly `problem`. */
export function expectConfigRefusal(run: () => unknown, option: string, problem: string): void {
  const error = configRefusal(run);
  expect([error.option, error.message]).toEqual([option, `nestjs-warden: invalid option "${option}": ${problem}`]);
}
