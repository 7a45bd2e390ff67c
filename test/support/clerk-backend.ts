import { createClerkClient } from '@clerk/express';

/**
 * Clerk's own verification (`@clerk/backend`, re-exported by `@clerk/express`), networkless: the
 * instance's PEM key as `jwtKey`, a live publishable key (no development-instance handshake) and no
 * telemetry, so nothing leaves the machine.
 */
export interface ClerkBackend {
  /** `authenticateRequest(req, { acceptsToken: 'any' }).toAuth()` for a bearer token, without its functions; throws what `toAuth()` throws. */
  auth(token: string, extra?: { audience?: string }): Promise<ClerkAuth>;
  /** The same auth object's `getToken()`. */
  getToken(token: string): Promise<string | null>;
}

/** What Clerk's `toAuth()` gives, as data. */
export type ClerkAuth = Record<string, unknown> & { isAuthenticated: boolean; tokenType: string };

export function clerkBackend(frontendApi: string, jwtKey: string): ClerkBackend {
  const publishableKey = `pk_live_${Buffer.from(`${frontendApi}$`).toString('base64')}`;
  const client = createClerkClient({ secretKey: 'sk_live_not-used-by-networkless-verification', publishableKey, jwtKey, telemetry: { disabled: true } });
  const toAuth = async (token: string, extra: { audience?: string } = {}) => {
    const req = new Request('https://api.example.com/probe', { headers: { authorization: `Bearer ${token}` } });
    const state = await client.authenticateRequest(req, { acceptsToken: 'any', jwtKey, ...extra });
    return state.toAuth() as unknown as ClerkAuth & { getToken(): Promise<string | null> };
  };
  return {
    async auth(token, extra) {
      const { getToken: _getToken, has: _has, debug: _debug, ...fields } = await toAuth(token, extra);
      return fields;
    },
    async getToken(token) {
      return (await toAuth(token)).getToken();
    },
  };
}
