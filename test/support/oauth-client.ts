import { createHash, randomBytes } from 'node:crypto';

/** The parts of an OpenID provider's discovery document a client needs. */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

/** A token endpoint response. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  id_token?: string;
  scope?: string;
}

/** Reads `<issuer>/.well-known/openid-configuration`. */
export async function discover(issuer: string): Promise<ProviderMetadata> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`discovery failed: ${res.status}`);
  return (await res.json()) as ProviderMetadata;
}

async function tokenRequest(metadata: ProviderMetadata, body: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenResponse> {
  const res = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  const json = (await res.json()) as TokenResponse & { error?: string };
  if (!res.ok) throw new Error(`token endpoint: ${res.status} ${json.error ?? ''}`);
  return json;
}

/** client_credentials with a resource indicator (RFC 8707), client_secret_basic. */
export function clientCredentials(metadata: ProviderMetadata, client: { id: string; secret: string }, resource: string, scope: string): Promise<TokenResponse> {
  const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
  return tokenRequest(metadata, { grant_type: 'client_credentials', resource, scope }, { authorization: `Basic ${basic}` });
}

/**
 * Authorization code + PKCE (S256) driven over HTTP like a browser: follow the redirects by hand,
 * carry cookies, answer the login and consent interactions, then redeem the code.
 */
export async function authorizationCodeWithPkce(
  metadata: ProviderMetadata,
  client: { id: string; redirectUri: string },
  request: {
    resource: string;
    scope: string;
    login: string;
    /** RFC 9470 step-up: the `acr_values` and `max_age` of the authorization request. */
    acrValues?: string;
    maxAge?: number;
    /** What the login "page" reports: the level the user reached and when (epoch seconds). */
    loginAcr?: string;
    loginTs?: number;
    /** The browser's cookies at the provider: pass one to sign out of the same session later ({@link endSession}). */
    jar?: Map<string, string>;
  },
): Promise<TokenResponse> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(metadata.authorization_endpoint);
  for (const [k, v] of Object.entries({
    client_id: client.id,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope: `openid ${request.scope}`,
    resource: request.resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce: randomBytes(8).toString('hex'),
    ...(request.acrValues ? { acr_values: request.acrValues } : {}),
    ...(request.maxAge !== undefined ? { max_age: String(request.maxAge) } : {}),
  })) {
    authorize.searchParams.set(k, v);
  }

  const jar = request.jar ?? new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  };
  const locationOf = (res: Response, base: string): string => {
    const location = res.headers.get('location');
    if (!location || res.status < 300 || res.status >= 400) throw new Error(`expected a redirect, got ${res.status}`);
    return new URL(location, base).toString();
  };

  let next = locationOf(await send(authorize.toString()), authorize.toString());
  for (let step = 0; step < 8; step += 1) {
    if (next.startsWith(client.redirectUri)) {
      const back = new URL(next);
      if (back.searchParams.get('state') !== state) throw new Error('state mismatch');
      const code = back.searchParams.get('code');
      if (!code) throw new Error(`no code: ${back.searchParams.get('error') ?? 'unknown'}`);
      return tokenRequest(metadata, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        client_id: client.id,
        code_verifier: verifier,
        resource: request.resource,
      });
    }
    const page = await send(next);
    if (page.status >= 300 && page.status < 400) {
      next = locationOf(page, next);
      continue;
    }
    const { prompt } = (await page.json()) as { prompt: string };
    const form = await send(`${next}/${prompt}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        login: request.login,
        ...(request.loginAcr ? { acr: request.loginAcr } : {}),
        ...(request.loginTs ? { ts: String(request.loginTs) } : {}),
      }),
    });
    next = locationOf(form, next);
  }
  throw new Error('the authorization flow did not reach the redirect URI');
}

/**
 * RP-initiated logout at the provider (OpenID Connect RP-Initiated Logout), as the browser whose
 * cookies are in `jar` would: the logout page, then its form confirmed (`logout=yes`). The provider
 * sends its back-channel logout tokens before it answers. Resolves the status of the confirmation.
 */
export async function endSession(metadata: ProviderMetadata, jar: Map<string, string>, clientId: string): Promise<number> {
  if (!metadata.end_session_endpoint) throw new Error('the provider has no end_session_endpoint');
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${metadata.end_session_endpoint}?client_id=${encodeURIComponent(clientId)}`, { headers: { cookie: cookie() }, redirect: 'manual' });
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !xsrf) throw new Error(`no logout form (${page.status})`);
  const confirm = await fetch(new URL(action, metadata.end_session_endpoint), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  await confirm.arrayBuffer();
  return confirm.status;
}
