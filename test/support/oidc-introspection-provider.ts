import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration } from 'oidc-provider';
import { memoryAdapterFactory } from './oidc-memory-adapter.js';

/** The API that opaque tokens are issued for, and the scope it accepts. */
export const OPAQUE_API = 'https://ledger.api.example.com';
export const OPAQUE_SCOPE = 'ledger:read';
/** Gets opaque access tokens by client_credentials (300 s). */
export const OPAQUE_CLIENT = { id: 'payroll-service', secret: 'payroll-service-secret-payroll-service-secret' };
/** Gets opaque access tokens that live 2 s. */
export const SHORT_LIVED_CLIENT = { id: 'cron-service', secret: 'cron-service-secret-cron-service-secret-cron' };
/** The API itself: the only client allowed to introspect. */
export const INTROSPECTING_CLIENT = { id: 'ledger-api', secret: 'ledger-api-secret-ledger-api-secret-ledger-api' };

/** How the introspection endpoint behaves: normally, cut off (connection destroyed), or late by `slowMs`. */
export type IntrospectionMode = 'up' | 'down' | 'slow';

/** A real oidc-provider with opaque access tokens and its RFC 7662 introspection endpoint on 127.0.0.1. */
export interface IntrospectionProvider {
  issuer: string;
  /** POSTs that reached the introspection endpoint (counted before the mode applies). */
  readonly introspectionCalls: number;
  resetCalls(): void;
  mode: IntrospectionMode;
  slowMs: number;
  /** client_credentials for {@link OPAQUE_API}: an opaque access token. */
  issueToken(client?: { id: string; secret: string }): Promise<string>;
  /** Revokes a token at the provider (RFC 7009), as its owner. */
  revoke(token: string, client?: { id: string; secret: string }): Promise<void>;
  close(): Promise<void>;
}

const INTROSPECTION_PATH = '/token/introspection';

/**
 * Starts oidc-provider with client_credentials, resource indicators issuing OPAQUE access tokens for
 * {@link OPAQUE_API}, token introspection (RFC 7662, allowed to {@link INTROSPECTING_CLIENT} only) and
 * revocation (RFC 7009). The HTTP server in front counts introspection calls and can make the
 * endpoint fail or lag, with every timer cleared on close.
 */
export async function startIntrospectionProvider(): Promise<IntrospectionProvider> {
  // Assigned once the server listens (the provider needs its URL); the handler reads it before.
  // eslint-disable-next-line prefer-const
  let provider: Provider | undefined;
  let calls = 0;
  const timers = new Set<NodeJS.Timeout>();
  const state = { mode: 'up' as IntrospectionMode, slowMs: 1000 };
  const server: Server = createServer((req, res) => {
    if (!provider) return void res.writeHead(503).end();
    const callback = provider.callback();
    if (req.method !== 'POST' || req.url?.split('?')[0] !== INTROSPECTION_PATH) return void Promise.resolve(callback(req, res));
    calls += 1;
    if (state.mode === 'down') return void req.socket.destroy();
    if (state.mode === 'up') return void callback(req, res);
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A caller that gave up meanwhile has closed the connection: nothing left to answer.
      if (!req.socket.destroyed) void Promise.resolve(callback(req, res));
    }, state.slowMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = new Provider(issuer, await configuration());
  const basic = (client: { id: string; secret: string }) => `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
  const post = async (path: string, client: { id: string; secret: string }, body: Record<string, string>) => {
    const res = await fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
      body: new URLSearchParams(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return res;
  };
  return {
    issuer,
    get introspectionCalls() {
      return calls;
    },
    resetCalls: () => void (calls = 0),
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(value) {
      state.slowMs = value;
    },
    async issueToken(client = OPAQUE_CLIENT) {
      const res = await post('/token', client, { grant_type: 'client_credentials', resource: OPAQUE_API, scope: OPAQUE_SCOPE });
      return ((await res.json()) as { access_token: string }).access_token;
    },
    async revoke(token, client = OPAQUE_CLIENT) {
      await post('/token/revocation', client, { token, token_type_hint: 'access_token' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function configuration(): Promise<Configuration> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const service = (client: { id: string; secret: string }) => ({
    client_id: client.id,
    client_secret: client.secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  });
  return {
    adapter: memoryAdapterFactory(),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'introspection-test', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['test-cookie-key-test-cookie-key-1'] },
    clients: [service(OPAQUE_CLIENT), service(SHORT_LIVED_CLIENT), { ...service(INTROSPECTING_CLIENT), grant_types: [] }],
    clientBasedCORS: () => false,
    ttl: { ClientCredentials: (_ctx, _token, client) => ttlOf(client.clientId) },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client) => client.clientId === INTROSPECTING_CLIENT.id },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => client.clientId === token.clientId },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? OPAQUE_API,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator, client) => {
          if (indicator !== OPAQUE_API) throw new errors.InvalidTarget();
          return { scope: OPAQUE_SCOPE, audience: OPAQUE_API, accessTokenFormat: 'opaque', accessTokenTTL: ttlOf(client.clientId) };
        },
      },
    },
  };
}

/** Seconds a client's access tokens live. */
function ttlOf(clientId: string): number {
  return clientId === SHORT_LIVED_CLIENT.id ? 2 : 300;
}
