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
