import { expect } from '@jest/globals';

/** What the hygiene check needs from a supertest or inject response. */
export interface CheckedResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/** `Bearer realm="..."` with optional error and RFC 6750 error_description, nothing else. */
const CHALLENGE =
  /^Bearer realm="[\x20\x21\x23-\x5B\x5D-\x7E]*"(?:, error="(?:invalid_request|invalid_token|insufficient_scope)"(?:, error_description="[\x20\x21\x23-\x5B\x5D-\x7E]*")?)?$/;
const FRAGMENT = 12;

/**
 * Asserts the catalogue's HTTP rules on one response: status in {200, 401, 403, 503}; a well-formed
 * `WWW-Authenticate` on 401/403 and `Retry-After` on 503; no stack trace; and no 12-character run of
 * the token anywhere in the headers or the body.
 */
export function expectHygiene(res: CheckedResponse, token: string | null | undefined): void {
  expect([200, 401, 403, 503]).toContain(res.status);
  const challenge = res.headers['www-authenticate'];
  if (res.status === 401 || res.status === 403) {
    expect(typeof challenge).toBe('string');
    expect(challenge).toMatch(CHALLENGE);
    if (res.status === 403) expect(challenge).toContain('error="insufficient_scope"');
  } else {
    expect(challenge).toBeUndefined();
  }
  if (res.status === 503) expect(String(res.headers['retry-after'])).toMatch(/^[1-9][0-9]*$/);
  const haystack = `${Object.entries(res.headers)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join('\n')}\n${res.text ?? ''}`;
  expect(haystack).not.toMatch(/\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+/);
  if (token) expect(leaksFragmentOf(token, haystack)).toBeNull();
}

/** The first 12-character run of `token` found in `haystack`, or null. */
export function leaksFragmentOf(token: string, haystack: string): string | null {
  if (token.length < FRAGMENT) return null;
  const grams = new Set<string>();
  for (let i = 0; i + FRAGMENT <= haystack.length; i++) grams.add(haystack.slice(i, i + FRAGMENT));
  for (let i = 0; i + FRAGMENT <= token.length; i++) {
    const gram = token.slice(i, i + FRAGMENT);
    if (grams.has(gram)) return gram;
  }
  return null;
}
