import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { HttpException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import { createAuthObserver } from './auth-events.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { getAuth } from './get-auth.js';
import { graphqlContext, guardOutcome, httpContext, recordingAdapter, rpcContext, SECRET, signToken, wsContext } from './guard-context.spec-support.js';
import { storedVerification } from './request-context.js';
import type { Verification } from './verification/verification.js';

/** A guard that counts its full verifications and its rechecks of a stored verification; `seen` counts what the observer heard. */
async function countingGuard(extra: AuthModuleOptions = {}) {
  const options = resolveAuthOptions({ secret: SECRET, defaultPolicy: 'required', ...extra });
  const calls = { authenticate: 0, recheck: 0 };
  const seen: string[] = [];
  class Counting extends AuthGuard {
    protected override authenticate(token: string | null, source?: 'header' | 'cookie' | null) {
      calls.authenticate += 1;
      return super.authenticate(token, source);
    }
    protected override recheck(stored: Verification) {
      calls.recheck += 1;
      return super.recheck(stored);
    }
  }
  const adapter = recordingAdapter();
  const guard = new Counting(new Reflector(), new AuthService(options), options, adapter.host);
  const observer = await createAuthObserver({
    onAuthenticated: (auth) => void seen.push(`in ${auth.tokenType}`),
    onRefused: (reason) => void seen.push(`refused ${reason}`),
  });
  Object.assign(guard, { observer });
  return { guard, calls, seen, headers: adapter.headers };
}

describe('AuthGuard over GraphQL', () => {
  it("reads Apollo's { req }, Mercurius's { reply: { request } } and a bare { request }", async () => {
    const { guard } = await countingGuard();
    const token = await signToken({ sub: 'user_g' });
    for (const make of [(req: object) => ({ req }), (req: object) => ({ reply: { request: req } }), (req: object) => ({ request: req })]) {
      const req = { headers: { authorization: `Bearer ${token}` } };
      expect(await guard.canActivate(graphqlContext(make(req)))).toBe(true);
      expect(getAuth(req)).toMatchObject({ isAuthenticated: true, userId: 'user_g' });
    }
  });

  it('refuses with the GraphQL error code and sets no HTTP header', async () => {
    const { guard, headers } = await countingGuard();
    const error = await guardOutcome(guard.canActivate(graphqlContext({ req: { headers: {} } })));
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(401);
    expect((error as { extensions?: unknown }).extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    expect(headers).toEqual([]);
  });

  it('a GraphQL context without a request: no token', async () => {
    const { guard } = await countingGuard({ debug: true });
    const error = await guardOutcome(guard.canActivate(graphqlContext(undefined)));
    expect((error as HttpException).getResponse()).toMatchObject({ reason: 'token-missing' });
  });

  it('verifies once per request: the next field rechecks the stored verification, and the observer hears one decision', async () => {
    const { guard, calls, seen } = await countingGuard();
    const req = { headers: { authorization: `Bearer ${await signToken()}` } };
    for (let field = 0; field < 3; field += 1) expect(await guard.canActivate(graphqlContext({ req }))).toBe(true);
    expect(calls).toEqual({ authenticate: 1, recheck: 2 });
    expect(seen).toEqual(['in session_token']);
  });
});

describe('AuthGuard over HTTP, run twice on one request', () => {
  it('rechecks the stored verification, also on a request whose prototype says `live` (an own property only counts)', async () => {
    const { guard, calls, seen } = await countingGuard();
    const token = await signToken();
    const req = Object.assign(Object.create({ live: true }) as object, { headers: { authorization: `Bearer ${token}` } });
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(calls).toEqual({ authenticate: 1, recheck: 1 });
    expect(seen).toEqual(['in session_token']);
  });

  it('a carrier with an own `live: false` is not live: its stored verification is rechecked', async () => {
    const { guard, calls } = await countingGuard();
    const req = { live: false, headers: { authorization: `Bearer ${await signToken()}` } };
    await guard.canActivate(httpContext(req));
    await guard.canActivate(httpContext(req));
    expect(calls).toEqual({ authenticate: 1, recheck: 1 });
  });
});

describe('AuthGuard over WebSockets', () => {
  it("verifies socket.io's auth.token again on every message (the connection is live) and hears each decision", async () => {
    const { guard, calls, seen } = await countingGuard();
    const client = { handshake: { headers: {}, auth: { token: await signToken({ sub: 'user_ws' }) } } };
    for (let message = 0; message < 2; message += 1) expect(await guard.canActivate(wsContext(client))).toBe(true);
    expect(calls).toEqual({ authenticate: 2, recheck: 0 });
    expect(seen).toEqual(['in session_token', 'in session_token']);
    expect(getAuth(client)).toMatchObject({ isAuthenticated: true, userId: 'user_ws' });
  });

  it('refuses with a WsException carrying the payload, the reason in debug mode', async () => {
    const { guard, headers, seen } = await countingGuard({ debug: true });
    const error = await guardOutcome(guard.canActivate(wsContext({ handshake: { headers: {} } })));
    expect(error).toBeInstanceOf(WsException);
    expect((error as WsException).getError()).toEqual({
      status: 'error',
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Unauthorized',
      code: 'UNAUTHENTICATED',
      reason: 'token-missing',
    });
    expect(headers).toEqual([]);
    expect(seen).toEqual(['refused token-missing']);
  });

  it('a client that is not an object carries nothing: no token', async () => {
    const { guard } = await countingGuard({ debug: true });
    expect(((await guardOutcome(guard.canActivate(wsContext('socket')))) as WsException).getError()).toMatchObject({ reason: 'token-missing' });
  });
});

describe('AuthGuard over RPC', () => {
  it("reads the message's `authorization` field, or the field rpcTokenField names", async () => {
    const { guard } = await countingGuard();
    const token = await signToken({ sub: 'user_rpc' });
    const ctx = {};
    expect(await guard.canActivate(rpcContext({ authorization: token }, ctx))).toBe(true);
    expect(getAuth(ctx)).toMatchObject({ userId: 'user_rpc' });
    const custom = await countingGuard({ rpcTokenField: 'jwt' });
    expect(await custom.guard.canActivate(rpcContext({ jwt: token }, {}))).toBe(true);
    expect(await guardOutcome(custom.guard.canActivate(rpcContext({ authorization: token }, {})))).toBeInstanceOf(RpcException);
  });

  it('refuses with an RpcException carrying the payload', async () => {
    const { guard } = await countingGuard();
    const error = await guardOutcome(guard.canActivate(rpcContext({}, {})));
    expect(error).toBeInstanceOf(RpcException);
    expect((error as RpcException).getError()).toEqual({
      status: 'error',
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Unauthorized',
      code: 'UNAUTHENTICATED',
    });
    expect(error).not.toBeInstanceOf(UnauthorizedException);
  });

  it('verifies a message once: a second guard on the same message context rechecks', async () => {
    const { guard, calls } = await countingGuard();
    const data = { authorization: await signToken() };
    const ctx = {};
    await guard.canActivate(rpcContext(data, ctx));
    await guard.canActivate(rpcContext(data, ctx));
    expect(calls).toEqual({ authenticate: 1, recheck: 1 });
    expect(storedVerification(ctx)).toBeUndefined(); // stored on the carrier the context maps to, not on the context
  });
});
