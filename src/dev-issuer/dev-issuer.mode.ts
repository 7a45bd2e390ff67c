/** Environment variables that configure a real key source; any of them turns the dev issuer off. */
export const REAL_AUTH_ENV = ['AUTH_JWKS_URL', 'AUTH_JWT_KEY', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_AUTHORIZED_PARTIES'] as const;

/** True when no real key source is configured: the demo then runs its embedded dev issuer. */
export function isDevIssuerMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return REAL_AUTH_ENV.every((name) => !env[name]);
}

/** The port the demo listens on. */
export function demoPort(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return port;
}

/**
 * The interface the demo listens on: HOST when set; otherwise, in dev-issuer mode, 127.0.0.1 only
 * (whoever reaches POST /dev/tokens can sign in as anyone); with a real key source, Node's default
 * (every interface), as any Nest app.
 */
export function demoHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HOST) return env.HOST;
  return isDevIssuerMode(env) ? '127.0.0.1' : undefined;
}
