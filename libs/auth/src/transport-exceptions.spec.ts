import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { RpcException } from '@nestjs/microservices';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import { forbiddenDenial, reverificationDenial, stepUpDenial, unauthorizedDenial, unavailableDenial } from './auth.exceptions.js';
import { toTransportException } from './transport-exceptions.js';

// Made inside each test, not when the file loads: a throw there would break the whole file.
const unauthorized = () => unauthorizedDenial(new AuthError(AuthErrorReason.TokenExpired), 'api', false);
const HTTP_401 = { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' };
const WS_401 = { status: 'error', statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', code: 'UNAUTHENTICATED' };

describe('toTransportException', () => {
  it('http: the HttpException, without GraphQL extensions', async () => {
    const error = await toTransportException('http', unauthorized(), false);
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(401);
    expect('extensions' in error).toBe(false);
  });

  it('graphql: the HttpException with the GraphQL error code', async () => {
    const forbidden = await toTransportException('graphql', forbiddenDenial('api', false), false);
    expect((forbidden as HttpException).getStatus()).toBe(403);
    expect((forbidden as unknown as { extensions: unknown }).extensions).toEqual({ code: 'FORBIDDEN', http: { status: 403 } });
    const unauth = await toTransportException('graphql', unauthorized(), false);
    expect((unauth as unknown as { extensions: { code: string } }).extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ws and rpc: their own exception classes carrying the payload; the reason only in debug mode', async () => {
    const ws = await toTransportException('ws', unauthorized(), false);
    expect(ws).toBeInstanceOf(WsException);
    expect((ws as WsException).getError()).toEqual(WS_401);
    const rpc = await toTransportException('rpc', unavailableDenial(new AuthError(AuthErrorReason.KeysUnavailable), 30), true);
    expect(rpc).toBeInstanceOf(RpcException);
    expect((rpc as RpcException).getError()).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: 30, reason: 'keys-unavailable' });
  });

  it('every "unavailable" reason maps alike: 503, its own retry hint, the reason only in debug mode', async () => {
    const revocation = unavailableDenial(new AuthError(AuthErrorReason.RevocationUnavailable, 'x', 5), 30);
    expect(revocation).toEqual({ status: 503, reason: 'revocation-unavailable', headers: { 'Retry-After': '5' } });
    const ws = await toTransportException('ws', revocation, true);
    expect((ws as WsException).getError()).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: 5, reason: 'revocation-unavailable' });
    const http = await toTransportException('http', revocation, false);
    expect((http as HttpException).getStatus()).toBe(503);
    expect(JSON.stringify((http as HttpException).getResponse())).not.toContain('revocation');
    const graphql = await toTransportException('graphql', revocation, false);
    expect((graphql as unknown as { extensions: { code: string } }).extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it("a claim error's detail: in every transport's body in debug mode only", async () => {
    const denial = { status: 401, reason: 'token-invalid-claims', detail: 'missing required "org_id" claim', headers: {} } as const;
    const http = await toTransportException('http', denial, true);
    expect((http as HttpException).getResponse()).toEqual({ ...HTTP_401, reason: 'token-invalid-claims', detail: denial.detail });
    expect((await toTransportException('http', denial, false)) as HttpException).toMatchObject({ response: HTTP_401 });
    const ws = await toTransportException('ws', denial, true);
    expect((ws as WsException).getError()).toEqual({ ...WS_401, reason: 'token-invalid-claims', detail: denial.detail });
    expect(((await toTransportException('ws', denial, false)) as WsException).getError()).toEqual(WS_401);
    // No detail: no key, not an undefined one.
    const plain = await toTransportException('ws', { ...denial, detail: undefined }, true);
    expect(Object.keys((plain as WsException).getError() as object)).not.toContain('detail');
  });

  it('only a 503 carries a retry hint in a WebSocket or RPC payload', async () => {
    const denial = { status: 401, reason: 'token-expired', headers: { 'Retry-After': '5' } } as const;
    expect(((await toTransportException('ws', denial, false)) as WsException).getError()).toEqual(WS_401);
    const unhinted = await toTransportException('rpc', { status: 503, reason: 'keys-unavailable', headers: {} }, false);
    expect(Object.keys((unhinted as RpcException).getError() as object)).not.toContain('retryAfter');
  });

  it('an unknown transport gets the HttpException', async () => {
    expect(await toTransportException('unknown', unauthorized(), false)).toBeInstanceOf(HttpException);
  });

  const clerkError = { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: { level: 'second_factor', afterMinutes: 10 } } };

  it("reverification: exactly Clerk's body over HTTP, the same clerk_error in GraphQL extensions, WS and RPC payloads", async () => {
    const denial = reverificationDenial({ level: 'second_factor', afterMinutes: 10 });
    const http = (await toTransportException('http', denial, true)) as HttpException;
    expect(http.getStatus()).toBe(403);
    expect(http.getResponse()).toEqual({ clerk_error: clerkError });
    const gql = (await toTransportException('graphql', denial, false)) as unknown as { extensions: unknown };
    expect(gql.extensions).toEqual({ code: 'FORBIDDEN', http: { status: 403 }, clerk_error: clerkError });
    for (const type of ['ws', 'rpc'] as const) {
      const error = (await toTransportException(type, denial, false)) as WsException | RpcException;
      expect(error.getError()).toEqual({
        status: 'error',
        statusCode: 403,
        error: 'Forbidden',
        message: 'Forbidden',
        code: 'FORBIDDEN',
        clerk_error: clerkError,
      });
    }
  });

  it('step-up: 401 with the RFC 9470 challenge; the requirement travels in GraphQL extensions, WS and RPC payloads', async () => {
    const denial = stepUpDenial('api', { acr: ['urn:a', 'urn:b'], maxAgeSeconds: 300 }, false);
    expect(denial.headers['WWW-Authenticate']).toBe('Bearer realm="api", error="insufficient_user_authentication", acr_values="urn:a urn:b", max_age=300');
    expect(stepUpDenial('api', { maxAgeSeconds: 0 }, true).headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="insufficient-user-authentication", max_age=0',
    );
    const http = (await toTransportException('http', denial, false)) as HttpException;
    expect(http.getStatus()).toBe(401);
    expect(http.getResponse()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    const gql = (await toTransportException('graphql', denial, false)) as unknown as { extensions: unknown };
    expect(gql.extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 }, stepUp: { acr: ['urn:a', 'urn:b'], maxAgeSeconds: 300 } });
    const ws = (await toTransportException('ws', denial, false)) as WsException;
    expect(ws.getError()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED', stepUp: { acr: ['urn:a', 'urn:b'], maxAgeSeconds: 300 } });
  });
});
