import 'reflect-metadata';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type * as Throttler from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { WsException } from '@nestjs/websockets';
import { Module } from 'node:module';
import { fileURLToPath } from 'node:url';
import { signedInAuthObject } from '../../auth-object/auth-object.js';
import { readSessionFields } from '../../auth-object/claims.js';
import { AuthService } from '../../auth.service.js';
import type { AuthModuleOptions } from '../../config/auth-options.js';
import { resolveAuthOptions } from '../../config/resolve-auth-options.js';
import { graphqlContext, httpContext, otherContext, SECRET, signToken, wsContext } from '../../guard-context.spec-support.js';
import { attachVerification } from '../../request-context.js';
import { asVerification } from '../../verification/verification.js';
import { callerOf, countedVerification } from './caller.js';

/**
 * The real @nestjs/throttler, loaded by Node's own require: it is CommonJS and requires @nestjs/common,
 * which is ESM, and Jest's require loads ESM only from Node 24.9 on. Jest's `Module` class extends
 * Node's, so its `require` is Node's; the guard is handed this copy in place of Jest's.
 */
const holder = new Module(fileURLToPath(import.meta.url));
holder.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(fileURLToPath(new URL('.', import.meta.url)));
const throttler = holder.require('@nestjs/throttler') as typeof Throttler;
jest.unstable_mockModule('@nestjs/throttler', () => throttler);
const { ThrottlerException, ThrottlerStorageService } = throttler;
const { AuthThrottlerGuard, authTracker } = await import('./auth-throttler.guard.js');

const iss = 'https://clerk.example.com';
const COUNTED = Symbol.for('nestjs-warden:throttler-verification');
type Req = Record<string, unknown>;

/** Opens the protected steps the throttler calls, to pin each one alone. */
class Probe extends AuthThrottlerGuard {
  tracker(req: Req, context?: ExecutionContext): Promise<string> {
    return this.getTracker(req, context);
  }
  requestResponse(context: ExecutionContext): { req: Req; res: Req } {
    return this.getRequestResponse(context);
  }
  throttle(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return this.throwThrottlingException(context, detail);
  }
}

const storages: Throttler.ThrottlerStorageService[] = [];
afterEach(() => storages.splice(0).forEach((storage) => storage.onApplicationShutdown()));

/** A guard as Nest would build it: the throttler's constructor, then the fields AuthModule injects. */
async function guardWith(throttler: ThrottlerModuleOptions = [{ ttl: 60_000, limit: 1 }], extra: AuthModuleOptions = {}) {
  const options = resolveAuthOptions({ secret: SECRET, ...extra });
  const authService = new AuthService(options);
  const storage = new ThrottlerStorageService();
  storages.push(storage);
  const guard = new Probe(throttler, storage, new Reflector());
  Object.assign(guard, { authService, authOptions: options });
  await guard.onModuleInit();
  return { guard, authService };
}

/** The throttler's message names the bucket, so a 429 tells which caller was counted. */
const namingTracker = (limit = 1): ThrottlerModuleOptions => ({ throttlers: [{ ttl: 60_000, limit }], errorMessage: (_c, d) => d.tracker });
const bearer = async (claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${await signToken({ iss, sub: 'user_1', ...claims })}` });
/** A response that records the headers the throttler sets (Express's `header`). */
const recorder = () => {
  const headers: Array<[string, unknown]> = [];
  return { headers, header: (name: string, value: unknown) => headers.push([name, value]) };
};
const outcome = (run: Promise<unknown>): Promise<unknown> =>
  run.then(
    () => 'allowed',
    (error: unknown) => error,
  );

describe('AuthThrottlerGuard.canActivate: who is counted', () => {
  it('verifies the token itself when AuthGuard has not, and counts the user', async () => {
    const { guard, authService } = await guardWith();
    const verification = jest.spyOn(authService, 'verification');
    const req = { headers: await bearer(), ip: '10.0.0.1' };
    expect(await guard.canActivate(httpContext(req, recorder()))).toBe(true);
    expect(verification).toHaveBeenCalledTimes(1);
    expect(verification.mock.calls[0][1]).toBe('header');
    expect(callerOf(httpContext(req))).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
    expect(await guard.tracker(req, httpContext(req))).toBe(`user:${iss}:user_1`);
  });

  it('takes what AuthGuard stored and verifies nothing again', async () => {
    const { guard, authService } = await guardWith();
    const verification = jest.spyOn(authService, 'verification');
    const req = { headers: await bearer(), ip: '10.0.0.1' };
    const claims = { iss, sub: 'user_9' };
    const stored = asVerification({ auth: signedInAuthObject(claims, readSessionFields(claims), 't'), error: null, tokenPresent: true }, 't', 'header');
    attachVerification(req, stored, stored.auth);
    expect(await guard.canActivate(httpContext(req, recorder()))).toBe(true);
    expect(verification).not.toHaveBeenCalled();
    expect(Object.getOwnPropertySymbols(req)).not.toContain(COUNTED);
    expect(await guard.tracker(req, httpContext(req))).toBe(`user:${iss}:user_9`);
  });

  it('a request without a token counts by address, as signed out with no token', async () => {
    const { guard } = await guardWith(namingTracker());
    const req = { headers: {}, ip: '10.0.0.1' };
    expect(await guard.canActivate(httpContext(req, recorder()))).toBe(true);
    expect(countedVerification(req)).toMatchObject({ tokenPresent: false, error: null, token: null, auth: { isAuthenticated: false } });
    expect(Object.getOwnPropertySymbols(req)).toContain(COUNTED);
    expect(((await outcome(guard.canActivate(httpContext(req, recorder())))) as Error).message).toBe('ip:10.0.0.1');
  });

  it('a session cookie sent from another origin counts as signed out; from a listed party, as its user', async () => {
    const { guard } = await guardWith(namingTracker(), { authorizedParties: ['https://app.test'] });
    const cookie = `__session=${await signToken({ iss, sub: 'user_1', azp: 'https://app.test' })}`;
    const from = (origin: string) => ({ headers: { cookie, origin, host: 'api.test' }, protocol: 'https', ip: '10.0.0.1' });
    const evil = from('https://evil.test');
    await guard.canActivate(httpContext(evil, recorder()));
    expect(countedVerification(evil)).toMatchObject({ tokenPresent: false, auth: { isAuthenticated: false } });
    expect(((await outcome(guard.canActivate(httpContext(from('https://evil.test'), recorder())))) as Error).message).toBe('ip:10.0.0.1');
    const app = from('https://app.test');
    expect(await guard.canActivate(httpContext(app, recorder()))).toBe(true);
    expect(await guard.tracker(app, httpContext(app))).toBe(`user:${iss}:user_1`);
  });

  it("keeps the __client_uat sent beside the session cookie under Clerk's cookie rules", async () => {
    const { guard } = await guardWith(undefined, { clerkCookies: true });
    const iat = Math.floor(Date.now() / 1000) - 10;
    const req = { headers: { cookie: `__session=${await signToken({ iss, sub: 'user_1', iat })}; __client_uat=${iat}` }, ip: '10.0.0.1' };
    await guard.canActivate(httpContext(req, recorder()));
    expect(countedVerification(req)).toMatchObject({ clientUat: iat, auth: { userId: 'user_1' } });
  });

  it('a transport with no carrier is counted by address without verifying', async () => {
    const { guard, authService } = await guardWith();
    const verification = jest.spyOn(authService, 'verification');
    expect(await guard.canActivate(otherContext('kafka'))).toBe(true);
    expect(verification).not.toHaveBeenCalled();
  });
});

describe('AuthThrottlerGuard over the limit', () => {
  it('429 with Retry-After over HTTP; one bucket per user whatever the address', async () => {
    const { guard } = await guardWith(namingTracker());
    const headers = await bearer();
    const first = recorder();
    await guard.canActivate(httpContext({ headers, ip: '10.0.0.1' }, first));
    expect(first.headers).toEqual([
      ['X-RateLimit-Limit', 1],
      ['X-RateLimit-Remaining', 0],
      ['X-RateLimit-Reset', 60],
    ]);
    const res = recorder();
    const error = await outcome(guard.canActivate(httpContext({ headers, ip: '10.0.0.2' }, res)));
    expect(error).toBeInstanceOf(ThrottlerException);
    expect((error as Throttler.ThrottlerException).getStatus()).toBe(429);
    expect((error as Throttler.ThrottlerException).message).toBe(`user:${iss}:user_1`);
    expect(res.headers).toEqual([['Retry-After', 60]]);
    expect(await outcome(guard.canActivate(httpContext({ headers: await bearer({ sub: 'user_2' }), ip: '10.0.0.1' }, recorder())))).toBe('allowed');
  });

  it("over WebSockets: a WsException the client receives, counted by the handshake's token", async () => {
    const { guard } = await guardWith(namingTracker());
    const client = { handshake: { headers: await bearer(), address: '10.0.0.5' } };
    expect(await guard.canActivate(wsContext(client))).toBe(true);
    const error = await outcome(guard.canActivate(wsContext(client)));
    expect(error).toBeInstanceOf(WsException);
    expect((error as WsException).getError()).toEqual({ status: 'error', statusCode: 429, message: `user:${iss}:user_1`, retryAfter: 60 });
  });
});

describe('AuthThrottlerGuard.getTracker and authTracker', () => {
  it("without a context, the address; req.ip first, else the socket's, else ''", async () => {
    const { guard } = await guardWith();
    expect(await guard.tracker({ ip: '10.0.0.1', socket: { remoteAddress: '10.0.0.2' } })).toBe('ip:10.0.0.1');
    expect(await guard.tracker({ ip: 5, socket: { remoteAddress: '10.0.0.2' } })).toBe('ip:10.0.0.2');
    expect(await guard.tracker({ socket: { remoteAddress: 7 } })).toBe('ip:');
    expect(await guard.tracker({})).toBe('ip:');
    expect(await guard.tracker({ ip: '::ffff:10.0.0.3' })).toBe('ip:10.0.0.3');
  });

  it("IPv6 addresses count per subnet, of the throttler's ipv6SubnetPrefix", async () => {
    const { guard } = await guardWith({ throttlers: [{ ttl: 60_000, limit: 1 }], ipv6SubnetPrefix: 48 });
    expect(await guard.tracker({ ip: '2001:db8:1:2::7' })).toBe('ip:2001:db8:1::/48');
    expect(await guard.tracker({ ip: '2001:db8:1:2::7' }, httpContext({ headers: {} }))).toBe('ip:2001:db8:1::/48');
  });

  it('authTracker: per user, per organization when asked, anonymous by address', async () => {
    const { guard } = await guardWith();
    const req = { headers: await bearer({ org_id: 'org_1' }), ip: '2001:db8:1:2::7' };
    await guard.canActivate(httpContext(req, recorder()));
    expect(authTracker()(req, httpContext(req))).toBe(`user:${iss}:user_1`);
    expect(authTracker({ per: 'organization' })(req, httpContext(req))).toBe(`org:${iss}:org_1`);
    const anonymous = { headers: {}, ip: '2001:db8:1:2::7' };
    expect(authTracker({ per: 'organization' })(anonymous, httpContext(anonymous))).toBe('ip:2001:db8:1:2::/64');
    expect(authTracker()({ socket: { remoteAddress: '10.0.0.2' } }, httpContext(anonymous))).toBe('ip:10.0.0.2');
  });
});

describe('AuthThrottlerGuard.getRequestResponse', () => {
  it("GraphQL: Apollo's req and res, else Mercurius's request and reply; nothing without a context", async () => {
    const { guard } = await guardWith();
    const [a, b, c, r, reply] = [{ a: 1 }, { b: 1 }, { c: 1 }, { r: 1 }, { request: { c: 2 } }];
    const both = guard.requestResponse(graphqlContext({ req: a, request: b, reply: { request: c }, res: r }));
    expect(both.req).toBe(a);
    expect(both.res).toBe(r);
    const fastify = guard.requestResponse(graphqlContext({ request: b, reply }));
    expect(fastify.req).toBe(b);
    expect(fastify.res).toBe(reply);
    const mercurius = guard.requestResponse(graphqlContext({ reply }));
    expect(mercurius.req).toBe(reply.request);
    expect(mercurius.res).toBe(reply);
    expect(guard.requestResponse(graphqlContext(undefined))).toEqual({ req: {}, res: {} });
    expect(guard.requestResponse(graphqlContext({}))).toEqual({ req: {}, res: {} });
  });

  it("WebSockets: the handshake's headers and address, a ws socket's remote address, no response", async () => {
    const { guard } = await guardWith();
    const headers = { authorization: 'Bearer x' };
    const io = guard.requestResponse(wsContext({ handshake: { headers, address: '10.0.0.3' }, _socket: { remoteAddress: '10.0.0.9' } }));
    expect(io).toEqual({ req: { headers, ip: '10.0.0.3' }, res: {} });
    expect(io.req.headers).toBe(headers);
    expect(guard.requestResponse(wsContext({ _socket: { remoteAddress: '10.0.0.4' } }))).toEqual({ req: { headers: {}, ip: '10.0.0.4' }, res: {} });
    expect(guard.requestResponse(wsContext({}))).toEqual({ req: { headers: {}, ip: undefined }, res: {} });
    expect(guard.requestResponse(wsContext(undefined))).toEqual({ req: { headers: {}, ip: undefined }, res: {} });
  });

  it("HTTP: the throttler's own request and response", async () => {
    const { guard } = await guardWith();
    const [req, res] = [{ headers: {} }, {}];
    const pair = guard.requestResponse(httpContext(req, res));
    expect(pair.req).toBe(req);
    expect(pair.res).toBe(res);
  });
});

describe('AuthThrottlerGuard.throwThrottlingException', () => {
  const detail = { limit: 1, ttl: 60_000, key: 'k', tracker: 't', totalHits: 2, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 42 };

  it("over WebSockets: the WsException's error body; elsewhere the throttler's 429", async () => {
    const { guard } = await guardWith();
    const ws = await outcome(guard.throttle(wsContext({ handshake: {} }), detail));
    expect(ws).toBeInstanceOf(WsException);
    expect((ws as WsException).getError()).toEqual({ status: 'error', statusCode: 429, message: 'ThrottlerException: Too Many Requests', retryAfter: 42 });
    for (const context of [httpContext({ headers: {} }), graphqlContext({ req: { headers: {} } })]) {
      const error = await outcome(guard.throttle(context, detail));
      expect(error).toBeInstanceOf(ThrottlerException);
      expect((error as Throttler.ThrottlerException).getStatus()).toBe(429);
      expect((error as Throttler.ThrottlerException).message).toBe('ThrottlerException: Too Many Requests');
    }
  });
});
