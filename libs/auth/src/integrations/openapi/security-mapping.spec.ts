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
});
