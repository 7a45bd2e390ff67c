import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ForbiddenException, HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequireAuth } from './auth.decorators.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { getAuth } from './get-auth.js';
import { captureLogs, guardOutcome, httpContext, otherContext, recordingAdapter, SECRET, signToken } from './guard-context.spec-support.js';
import { storedVerification } from './request-context.js';

class Admin {
  @RequireAuth({ role: 'admin' })
  delete(): void {}
}

/** A guard of real options and a real AuthService, with an adapter that records the headers it is asked to set. */
function guardWith(extra: AuthModuleOptions = {}, withAdapter = true) {
  const options = resolveAuthOptions({ secret: SECRET, defaultPolicy: 'required', ...extra });
  const adapter = recordingAdapter();
  const guard = new AuthGuard(new Reflector(), new AuthService(options), options, withAdapter ? adapter.host : undefined);
  return { guard, options, headers: adapter.headers };
}

function bodyOf(error: unknown): unknown {
  expect(error).toBeInstanceOf(HttpException);
  return (error as HttpException).getResponse();
}

let logs: ReturnType<typeof captureLogs> | undefined;
afterEach(() => {
  logs?.restore();
  logs = undefined;
});

describe('AuthGuard over HTTP: the refusal', () => {
  it('401 without a token: the body names no reason, the Bearer challenge goes on the response, the signed-out verification is stored', async () => {
    const { guard, headers } = guardWith();
    const req = { headers: {} };
    const res = {};
    const error = await guardOutcome(guard.canActivate(httpContext(req, res)));
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(bodyOf(error)).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    expect(headers).toEqual([[res, 'WWW-Authenticate', 'Bearer realm="api"']]);
    expect(storedVerification(req)).toMatchObject({ token: null, source: null, tokenPresent: false, error: { reason: 'token-missing' } });
    expect(getAuth(req)).toMatchObject({ isAuthenticated: false, userId: null });
  });

  it('in debug mode: the reason in the body and the challenge, and one debug line naming the handler', async () => {
    logs = captureLogs();
    const { guard, headers } = guardWith({ debug: true, realm: 'orders' });
    const token = await signToken({ sub: 'user_1' }, Math.floor(Date.now() / 1000) - 3600);
    const error = await guardOutcome(guard.canActivate(httpContext({ headers: { authorization: `Bearer ${token}` } })));
    expect(bodyOf(error)).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', reason: 'token-expired' });
    expect(headers.map(([, name, value]) => [name, value])).toEqual([
      ['WWW-Authenticate', 'Bearer realm="orders", error="invalid_token", error_description="token-expired"'],
    ]);
    expect(logs.lines).toEqual(['debug [nestjs-warden]: Refused http Orders.list: 401 token-expired']);
  });

  it('logs nothing for a refusal without debug mode, nor for a request let through in debug mode', async () => {
    logs = captureLogs();
    await guardOutcome(guardWith().guard.canActivate(httpContext({ headers: {} })));
    const token = await signToken();
    expect(await guardOutcome(guardWith({ debug: true }).guard.canActivate(httpContext({ headers: { authorization: `Bearer ${token}` } })))).toBe('allowed');
    expect(logs.lines).toEqual([]);
  });

  it('sets no header without an HTTP adapter, or without a response, and still refuses', async () => {
    const bare = guardWith({}, false);
    expect(await guardOutcome(bare.guard.canActivate(httpContext({ headers: {} })))).toBeInstanceOf(UnauthorizedException);
    const { guard, headers } = guardWith();
    expect(await guardOutcome(guard.canActivate(httpContext({ headers: {} }, null)))).toBeInstanceOf(UnauthorizedException);
    expect(headers).toEqual([]);
  });

  it('403 with the insufficient_scope challenge for a signed-in user the route does not admit', async () => {
    const { guard, headers } = guardWith({ debug: true });
    const req = { headers: { authorization: `Bearer ${await signToken({ sub: 'user_1' })}` } };
    const error = await guardOutcome(guard.canActivate(httpContext(req, {}, { handler: Admin.prototype.delete, type: Admin })));
    expect(error).toBeInstanceOf(ForbiddenException);
    expect(bodyOf(error)).toMatchObject({ statusCode: 403, reason: 'insufficient-scope' });
    expect(headers.map(([, name, value]) => [name, value])).toEqual([
      ['WWW-Authenticate', 'Bearer realm="api", error="insufficient_scope", error_description="insufficient-scope"'],
    ]);
    expect(getAuth(req)).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
  });

  it('503 with Retry-After when the revocation status cannot be had', async () => {
    const { guard, headers } = guardWith({
      debug: true,
      isRevoked: () => {
        throw new Error('down');
      },
    });
    const error = await guardOutcome(guard.canActivate(httpContext({ headers: { authorization: `Bearer ${await signToken()}` } })));
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect(bodyOf(error)).toMatchObject({ statusCode: 503, reason: 'revocation-unavailable' });
    expect(headers.map(([, name]) => name)).toEqual(['Retry-After']);
  });

  it('a transport it does not know: no token (401 token-missing), and no header set', async () => {
    const { guard, headers } = guardWith({ debug: true });
    const error = await guardOutcome(guard.canActivate(otherContext('kafka')));
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(bodyOf(error)).toMatchObject({ reason: 'token-missing' });
    expect(headers).toEqual([]);
  });
});

describe('AuthGuard over HTTP: the token', () => {
  it('signs in with a Bearer header token: req.auth, getAuth and the stored verification agree', async () => {
    const { guard, options } = guardWith();
    const token = await signToken({ sub: 'user_7' });
    const req: { headers: object; auth?: unknown } = { headers: { authorization: `Bearer ${token}` } };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(req.auth).toMatchObject({ isAuthenticated: true, userId: 'user_7' });
    expect(getAuth(req)).toBe(req.auth);
    expect(storedVerification(req)).toMatchObject({
      token,
      source: 'header',
      scheme: 'bearer',
      tokenType: 'session_token',
      issuer: options.issuers.entries[0],
    });
  });

  it('an optional route lets a request without a token through, signed out', async () => {
    const { guard, headers } = guardWith({ defaultPolicy: 'optional' });
    const req: { headers: object; auth?: unknown } = { headers: {} };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(req.auth).toMatchObject({ isAuthenticated: false });
    expect(headers).toEqual([]);
  });

  it('a header under another scheme than Bearer: token-scheme-not-bearer, challenged like a missing token', async () => {
    const { guard, headers } = guardWith({ debug: true });
    const error = await guardOutcome(guard.canActivate(httpContext({ headers: { authorization: `Token ${await signToken()}` } })));
    expect(bodyOf(error)).toMatchObject({ statusCode: 401, reason: 'token-scheme-not-bearer' });
    expect(headers.map(([, , value]) => value)).toEqual(['Bearer realm="api"']);
  });

  it('an empty Authorization header is simply no token', async () => {
    const { guard } = guardWith({ debug: true });
    expect(bodyOf(await guardOutcome(guard.canActivate(httpContext({ headers: { authorization: '' } }))))).toMatchObject({ reason: 'token-missing' });
  });

  it('signs in with the session cookie when no Origin says otherwise, and remembers where the token came from', async () => {
    const { guard } = guardWith();
    const token = await signToken({ sub: 'user_c' });
    const req = { headers: { cookie: `__session=${token}` } };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
    expect(storedVerification(req)).toMatchObject({ token, source: 'cookie', scheme: null });
  });

  it('refuses a session cookie sent from another origin before verifying it, and stores the refused token', async () => {
    const { guard } = guardWith({ debug: true });
    const token = await signToken();
    const req = { headers: { cookie: `__session=${token}`, origin: 'https://evil.test', host: 'api.test' }, protocol: 'https' };
    expect(bodyOf(await guardOutcome(guard.canActivate(httpContext(req))))).toMatchObject({ statusCode: 401, reason: 'cookie-cross-origin' });
    expect(storedVerification(req)).toMatchObject({ token, source: 'cookie', tokenPresent: true });
  });

  it("accepts a session cookie from an origin among the issuer's authorizedParties", async () => {
    const { guard } = guardWith({ authorizedParties: ['https://app.test'] });
    const token = await signToken({ sub: 'user_1', azp: 'https://app.test' });
    const req = { headers: { cookie: `__session=${token}`, origin: 'https://app.test', host: 'api.test' }, protocol: 'https' };
    expect(await guard.canActivate(httpContext(req))).toBe(true);
  });

  it('refuses a session cookie sent twice with different values (cookie tossing)', async () => {
    const { guard } = guardWith({ debug: true });
    const req = { headers: { cookie: `__session=${await signToken()}; __session=${await signToken({ sub: 'user_2' })}` } };
    expect(bodyOf(await guardOutcome(guard.canActivate(httpContext(req))))).toMatchObject({ reason: 'cookie-duplicated' });
  });

  it("under Clerk's cookie rules, keeps the __client_uat sent beside the session cookie", async () => {
    const { guard } = guardWith({ clerkCookies: true });
    const iat = Math.floor(Date.now() / 1000) - 10;
    const token = await signToken({ sub: 'user_u', iat });
    const req = { headers: { cookie: `__session=${token}; __client_uat=${iat}` } };
    await guardOutcome(guard.canActivate(httpContext(req)));
    expect(storedVerification(req)?.clientUat).toBe(iat);
  });
});
