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
  /**
   * `authenticateRequest(req)` for an API request (`fetch` from a page: no handshake) carrying this
   * `Cookie` header, and an Authorization header when `bearer` is given: signed in or not, the session,
   * and Clerk's reason when signed out.
   */
  cookies(cookie: string, bearer?: string): Promise<ClerkCookieState>;
}

/** What Clerk makes of a request's cookies. */
export interface ClerkCookieState {
  isAuthenticated: boolean;
  sessionId: string | null;
  reason: string | null;
}

/** What Clerk's `toAuth()` gives, as data. */
export type ClerkAuth = Record<string, unknown> & { isAuthenticated: boolean; tokenType: string };

export function clerkBackend(
  frontendApi: string,
  jwtKey: string,
  publishableKey = `pk_live_${Buffer.from(`${frontendApi}$`).toString('base64')}`,
): ClerkBackend {
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
    async cookies(cookie, bearer) {
      const headers: Record<string, string> = { cookie, accept: 'application/json', 'sec-fetch-dest': 'empty' };
      if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
      const state = await client.authenticateRequest(new Request('https://api.example.com/probe', { headers }), { jwtKey });
      const auth = state.toAuth() as { isAuthenticated?: boolean; sessionId?: string | null } | null;
      return { isAuthenticated: auth?.isAuthenticated === true, sessionId: auth?.sessionId ?? null, reason: state.reason };
    },
  };
}
