import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { fetchJson, KeyFetchError, type FetchLimits, type KeyFetchProblem } from './fetch-json.js';
import { discoverEndpoint } from './oidc-discovery.js';

/** Where the introspection endpoint is: given, or named by the issuer's discovery document. */
export type IntrospectionEndpoint = { url: URL } | { issuer: string };

/** What an {@link IntrospectionClient} needs: the endpoint, its client credentials, and fetch limits. */
export interface IntrospectionClientOptions extends FetchLimits {
  endpoint: IntrospectionEndpoint;
  /** This API's client at the authorization server (client_secret_basic). */
  clientId: string;
  clientSecret: string;
  /** Told why a call failed (a stable code, never the token, URL or secret), e.g. to log it. */
  onFailure?: (problem: KeyFetchProblem | 'invalid-response') => void;
}

/**
 * An RFC 7662 token introspection client: POSTs `token=<token>` with `token_type_hint=access_token`
 * and HTTP Basic client authentication (`client_secret_basic`, RFC 6749 section 2.3.1) to the
 * endpoint, under the timeout and byte cap of `fetchJson` (https only, http on loopback; no redirects).
 * When only the issuer is known, the endpoint is its discovery document's `introspection_endpoint`,
 * and that document must name the same issuer. Framework-free; it keeps no results (the caller
 * caches and joins concurrent calls).
 *
 * @example
 * const client = new IntrospectionClient({ endpoint: { issuer: 'https://auth.example.com' },
 *   clientId: 'orders-api', clientSecret, timeoutInMs: 5000, maxBytes: 65536 });
 * const claims = await client.introspect(token); // null when inactive; throws AuthError
 */
export class IntrospectionClient {
  private url: URL | null;
  private discovering: Promise<URL> | null = null;
  private readonly authorization: string;

  constructor(private readonly options: IntrospectionClientOptions) {
    this.url = 'url' in options.endpoint ? options.endpoint.url : null;
    this.authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`;
  }

  /**
   * The introspection response's members when the server says `active: true`, null when it says
   * `active: false`. Any other outcome (the endpoint unreachable, slow, refusing our credentials,
   * answering something that is not an RFC 7662 response) throws {@link AuthError} with reason
   * `introspection-unavailable`: it says nothing about the token.
   */
  async introspect(token: string): Promise<Record<string, unknown> | null> {
    let body: unknown;
    try {
      const url = this.url ?? (await this.discover());
      const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
      body = await fetchJson(url, this.options, 'application/json', { form, headers: { authorization: this.authorization } });
    } catch (error) {
      throw this.unavailable(error instanceof KeyFetchError ? error.problem : 'network');
    }
    // Stryker disable next-line ConditionalExpression: a JSON string, number, true or array has no member active, so the last test refuses it too (the typeof and isArray tests made false change nothing; !body and the active test are killed by introspection-client.spec)
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { active?: unknown }).active !== 'boolean') {
      throw this.unavailable('invalid-response');
    }
    return (body as { active: boolean }).active ? (body as Record<string, unknown>) : null;
  }

  /** One discovery in flight at a time; a failed one is tried again on the next call. */
  private discover(): Promise<URL> {
    const { issuer } = this.options.endpoint as { issuer: string };
    this.discovering ??= discoverEndpoint(issuer, 'introspection_endpoint', this.options)
      .then((url) => (this.url = url))
      .finally(() => (this.discovering = null));
    return this.discovering;
  }

  private unavailable(problem: KeyFetchProblem | 'invalid-response'): AuthError {
    try {
      this.options.onFailure?.(problem);
    } catch {
      // A failing listener must not turn an outage into something else.
    }
    return new AuthError(AuthErrorReason.IntrospectionUnavailable, `token introspection failed: ${problem}`);
  }
}

/** `application/x-www-form-urlencoded` encoding of a client id or secret (RFC 6749 section 2.3.1). */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
