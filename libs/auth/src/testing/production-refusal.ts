/**
 * Throws when the process runs with `NODE_ENV=production` and the caller did not opt in: the testing
 * kit signs anyone in, so imported by mistake into an app that serves real users it must stop that
 * app, not quietly let everyone in. `what` names the function in the message.
 */
export function refuseInProduction(allowInProduction: boolean | undefined, what: string): void {
  if (allowInProduction === true || process.env.NODE_ENV?.trim().toLowerCase() !== 'production') return;
  throw new Error(
    `nestjs-warden/testing: ${what} signs anyone in and refuses to run with NODE_ENV=production; ` +
      'pass { allowInProduction: true } to it if this really is a test',
  );
}
