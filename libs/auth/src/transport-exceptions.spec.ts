import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { RpcException } from '@nestjs/microservices';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import { forbiddenDenial, unauthorizedDenial, unavailableDenial } from './auth.exceptions.js';
import { toTransportException } from './transport-exceptions.js';

const unauthorized = unauthorizedDenial(new AuthError(AuthErrorReason.TokenExpired), 'api', false);

describe('toTransportException', () => {
  it('http: the HttpException, without GraphQL extensions', async () => {
    const error = await toTransportException('http', unauthorized, false);
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(401);
    expect('extensions' in error).toBe(false);
  });

  it('graphql: the HttpException with the GraphQL error code', async () => {
    const forbidden = await toTransportException('graphql', forbiddenDenial('api', false), false);
    expect((forbidden as HttpException).getStatus()).toBe(403);
    expect((forbidden as unknown as { extensions: unknown }).extensions).toEqual({ code: 'FORBIDDEN', http: { status: 403 } });
    const unauth = await toTransportException('graphql', unauthorized, false);
    expect((unauth as unknown as { extensions: { code: string } }).extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ws and rpc: their own exception classes carrying the payload; the reason only in debug mode', async () => {
    const ws = await toTransportException('ws', unauthorized, false);
    expect(ws).toBeInstanceOf(WsException);
    expect((ws as WsException).getError()).toEqual({
      status: 'error',
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Unauthorized',
      code: 'UNAUTHENTICATED',
    });
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

  it('an unknown transport gets the HttpException', async () => {
    expect(await toTransportException('unknown', unauthorized, false)).toBeInstanceOf(HttpException);
  });
});
