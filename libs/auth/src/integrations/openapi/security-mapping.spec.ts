import { beforeEach, describe, expect, it } from '@jest/globals';
import type { AuthPolicy } from '../../auth.decorators.js';
import { resolveAuthOptions } from '../../config/resolve-auth-options.js';
import { type ResolvedAuthOptions } from '../../config/resolved-options.js';
import { operationSecurity, securitySchemes, type OpenApiOperationLike } from './security-mapping.js';

const secret = 'a-test-secret-of-at-least-32-bytes!!';
const names = { bearer: 'bearer', cookie: 'cookie' };

describe('securitySchemes', () => {
  it('follows the token sources and their names', () => {
    expect(securitySchemes(resolveAuthOptions({ secret, tokenSources: ['cookie'], cookieName: 'sid' }), names)).toEqual({
      cookie: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'The session token (JWT)' },
    });
    expect(securitySchemes(resolveAuthOptions({ secret, tokenSources: ['header'], headerName: 'X-Token' }), names)).toEqual({
      bearer: { type: 'apiKey', in: 'header', name: 'x-token', description: 'Bearer <token>' },
    });
  });
});

describe('operationSecurity', () => {
  // Resolved before each test, not in the describe body: a throw there would break the whole file.
  let options: ResolvedAuthOptions;
  beforeEach(() => {
    options = resolveAuthOptions({ secret });
  });
  // Scopes come with the `scope`/`scopes` policy keys; read wherever the policy carries them.
  const withScopes = { mode: 'required', scopes: ['invoices:read', 'invoices:write'] } as AuthPolicy;

  it('lists required scopes in the requirements of an OpenAPI 3.1 document, and in the 403', () => {
    const operation: OpenApiOperationLike = { responses: { 200: { description: '' } } };
    operationSecurity(operation, withScopes, options, ['bearer', 'cookie'], '3.1.0');
    expect(operation.security).toEqual([{ bearer: ['invoices:read', 'invoices:write'] }, { cookie: ['invoices:read', 'invoices:write'] }]);
    expect(operation.responses?.['403']).toMatchObject({ description: 'Forbidden: signed in without scope "invoices:read" and scope "invoices:write"' });
    expect(operation['x-nestjs-warden']).toEqual({ policy: 'required', scopes: ['invoices:read', 'invoices:write'] });
  });

  it('keeps the requirement arrays empty in OpenAPI 3.0, where only OAuth2 schemes take scopes', () => {
    const operation: OpenApiOperationLike = {};
    operationSecurity(operation, withScopes, options, ['bearer'], '3.0.0');
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(operation.responses?.['403']).toBeDefined();
  });

  it('a local key source never answers 503; an isRevoked check may', () => {
    const local: OpenApiOperationLike = {};
    operationSecurity(local, { mode: 'required' }, options, ['bearer'], '3.0.0');
    expect(Object.keys(local.responses ?? {})).toEqual(['401']);
    const revocable: OpenApiOperationLike = {};
    operationSecurity(revocable, { mode: 'required' }, resolveAuthOptions({ secret, isRevoked: () => false }), ['bearer'], '3.0.0');
    expect(Object.keys(revocable.responses ?? {}).sort()).toEqual(['401', '503']);
  });

  it('describes the 403 challenge as the guard sends it: error="insufficient_scope", with the scopes when the route needs some', () => {
    const scoped: OpenApiOperationLike = {};
    operationSecurity(scoped, withScopes, options, ['bearer'], '3.0.0');
    const header = (scoped.responses?.['403'] as { headers: Record<string, { description: string }> }).headers['WWW-Authenticate'];
    expect(header.description).toBe('Bearer realm="api", error="insufficient_scope", scope="invoices:read invoices:write"');
    const permission: OpenApiOperationLike = {};
    operationSecurity(permission, { mode: 'required', check: { permission: 'org:invoices:read' } }, options, ['bearer'], '3.0.0');
    const plain = (permission.responses?.['403'] as { headers: Record<string, { description: string }> }).headers['WWW-Authenticate'];
    expect(plain.description).toBe('Bearer realm="api", error="insufficient_scope"');
    const unauthorized = (permission.responses?.['401'] as { headers: Record<string, { description: string }> }).headers['WWW-Authenticate'];
    expect(unauthorized.description).toMatch(/error="invalid_token"/);
  });

  it('names in the 503 only what this module can find unavailable', () => {
    const describe503 = (extra: Record<string, unknown>, base: Record<string, unknown> = { secret }) => {
      const operation: OpenApiOperationLike = {};
      operationSecurity(operation, { mode: 'required' }, resolveAuthOptions({ ...base, ...extra }), ['bearer'], '3.0.0');
      return (operation.responses?.['503'] as { description: string } | undefined)?.description;
    };
    expect(describe503({ isRevoked: () => false })).toBe('Service Unavailable: whether the token is revoked could not be checked; retry later');
    expect(describe503({}, { jwksUrl: 'https://issuer.example/.well-known/jwks.json', issuer: 'https://issuer.example' })).toBe(
      "Service Unavailable: the issuer's keys could not be fetched; retry later",
    );
    expect(
      describe503({ introspection: { url: 'https://issuer.example/introspect', clientId: 'api', clientSecret: 'a-secret' }, isRevoked: () => false }),
    ).toBe('Service Unavailable: the introspection endpoint could not be reached, or whether the token is revoked could not be checked; retry later');
  });
});
