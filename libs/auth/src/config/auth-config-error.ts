/** Thrown at boot when the options cannot work; the message names the option. */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';

  constructor(
    readonly option: string,
    /** What is wrong, without the option's name. */
    readonly problem: string,
  ) {
    super(`nestjs-warden: invalid option "${option}": ${problem}`);
  }
}

/** Runs `run`; an {@link AuthConfigError} it throws names the issuer entry too (`issuers[1].audience`). */
export function labelled<T>(label: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AuthConfigError) throw new AuthConfigError(`${label}.${error.option}`, error.problem);
    throw error;
  }
}
