import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type Configuration } from 'oidc-provider';
import { memoryAdapterFactory } from './oidc-memory-adapter.js';

/** A real OpenID provider (`oidc-provider`) on 127.0.0.1 with a service client and a public PKCE client. */
export interface OidcTestProvider {
  /** `http://127.0.0.1:<port>` */
  issuer: string;
  /** The RS256 private key it signs with (for a second instance sharing its keys). */
  signingKey: JWK;
  close(): Promise<void>;
}

/** The resource server (API) tokens are issued for, and the scope it accepts. */
export const API_RESOURCE = 'https://orders.api.example.com';
export const API_SCOPE = 'orders:read';
export const SERVICE_CLIENT = { id: 'billing-service', secret: 'billing-service-secret-billing-service-secret' };
export const SPA_CLIENT = { id: 'orders-spa', redirectUri: 'https://app.example.com/callback' };
/** The authentication levels the provider knows (RFC 9470 step-up): a password, and a password plus a second factor. */
export const ACR = { password: 'urn:example:acr:pwd', mfa: 'urn:example:acr:mfa' } as const;

/**
 * Starts oidc-provider with JWT access tokens for {@link API_RESOURCE} (resource indicators),
 * client_credentials, and authorization code + PKCE. The login and consent "pages" are two POST
 * endpoints that finish the interaction, as a real app's forms would.
 */
export async function startOidcProvider(options: { signingKey?: JWK; backchannelLogoutUri?: string } = {}): Promise<OidcTestProvider> {
  // Assigned once the server listens (the provider needs its URL); the handler reads it before.
  // eslint-disable-next-line prefer-const
  let provider: Provider | undefined;
  const server: Server = createServer((req, res) => {
    if (!provider) return void res.writeHead(503).end();
    if (req.url?.startsWith('/interaction/')) return void interaction(provider, req, res).catch(() => res.writeHead(500).end());
    void Promise.resolve(provider.callback()(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = options.signingKey ?? (await newSigningKey());
  provider = new Provider(issuer, configuration(signingKey, options.backchannelLogoutUri));
  return {
    issuer,
    signingKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `k-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' };
}

/**
 * With `backchannelLogoutUri`: Back-Channel Logout 1.0 for the PKCE client (logout tokens with `sid`
 * to that URI when its user signs out), and the session's `sid` in its access tokens, as Keycloak puts it there.
 */
function configuration(signingKey: JWK, backchannelLogoutUri?: string): Configuration {
  const logout = backchannelLogoutUri ? { backchannel_logout_uri: backchannelLogoutUri, backchannel_logout_session_required: true } : {};
  return {
    adapter: memoryAdapterFactory(),
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-cookie-key-test-cookie-key-0'] },
    clients: [
      {
        client_id: SERVICE_CLIENT.id,
        client_secret: SERVICE_CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: SPA_CLIENT.id,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [SPA_CLIENT.redirectUri],
        ...logout,
      },
    ],
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    acrValues: Object.values(ACR),
    // RFC 9470 wants the resource server to see how and when the user authenticated: the access token
    // of a code carries the login's acr and auth_time.
    extraTokenClaims: async (ctx, token) => {
      const code = ctx.oidc.entities.AuthorizationCode;
      const sid = backchannelLogoutUri && 'sid' in token && typeof token.sid === 'string' ? { sid: token.sid } : {};
      return code ? { acr: code.acr, auth_time: code.authTime, ...sid } : undefined;
    },
    clientBasedCORS: () => false,
    ttl: { AccessToken: 300, AuthorizationCode: 60, ClientCredentials: 300, IdToken: 300, Grant: 600, Interaction: 600, Session: 600 },
    features: {
      devInteractions: { enabled: false },
      ...(backchannelLogoutUri
        ? {
            backchannelLogout: { enabled: true },
            // The logout page is just its form (the test reads its xsrf), as a real page embeds it.
            rpInitiatedLogout: { enabled: true, logoutSource: async (ctx, form) => void (ctx.body = form) },
          }
        : {}),
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== API_RESOURCE) throw new errors.InvalidTarget();
          return { scope: API_SCOPE, audience: API_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  };
}

/**
 * POST /interaction/:uid/login (body `login=<sub>`, optionally `acr=<level reached>` and `ts=<epoch
 * seconds of the login>`) and POST /interaction/:uid/consent.
 */
async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, , uid, step] = (req.url ?? '').split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (req.method !== 'POST' || details.uid !== uid) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name }));
    return;
  }
  if (step === 'login' && details.prompt.name === 'login') {
    const form = new URLSearchParams(await readBody(req));
    const login = form.get('login');
    if (!login) return void res.writeHead(400).end();
    const acr = form.get('acr');
    const ts = Number(form.get('ts'));
    const result = { accountId: login, ...(acr ? { acr } : {}), ...(ts > 0 ? { ts } : {}) };
    await provider.interactionFinished(req, res, { login: result }, { mergeWithLastSubmission: false });
    return;
  }
  if (step === 'consent' && details.prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id as string });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }
  res.writeHead(409).end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) break;
  }
  return body;
}
