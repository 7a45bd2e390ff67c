import 'reflect-metadata';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { admittedAuth, getAuth } from './get-auth.js';
import { httpContext, rpcContext, wsContext } from './guard-context.spec-support.js';
import { clerkM2MClaims, createTestIssuer, type TestIssuer } from './testing/index.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

/** Runs a real guard (optional routes: it lets every request through) over `context`. */
async function guarded(context: ExecutionContext): Promise<void> {
  const options = resolveAuthOptions(issuer.moduleOptions({ defaultPolicy: 'optional', acceptsToken: 'any' }));
  expect(await new AuthGuard(new Reflector(), new AuthService(options), options).canActivate(context)).toBe(true);
}

const NO_GUARD = /^nestjs-warden: getAuth\(\) found no auth on this request: AuthGuard did not run for it\. Import AuthModule\.forRoot/;

describe('getAuth', () => {
  it('throws, naming the fix, for a request the guard never saw (also for null)', () => {
    expect(() => getAuth({ headers: {} })).toThrow(NO_GUARD);
    expect(() => getAuth(null as unknown as object)).toThrow(NO_GUARD);
    expect(() => getAuth('request' as unknown as object)).toThrow(NO_GUARD);
    expect(() => getAuth({}, { acceptsToken: 'any' })).toThrow(NO_GUARD);
  });

  it('gives the signed-in session of a request the guard saw', async () => {
    const req = { headers: { authorization: `Bearer ${await issuer.sign({ sub: 'user_1' })}` } };
    await guarded(httpContext(req));
    expect(getAuth(req)).toMatchObject({ isAuthenticated: true, tokenType: 'session_token', userId: 'user_1' });
  });

  it("sees session tokens only, as Clerk's getAuth, unless acceptsToken names other classes", async () => {
    const req = { headers: { authorization: `Bearer ${await issuer.sign(clerkM2MClaims({ machineId: 'mch_1' }))}` } };
    await guarded(httpContext(req));
    expect(getAuth(req)).toMatchObject({ isAuthenticated: false, tokenType: 'session_token', userId: null });
    expect(getAuth(req, { acceptsToken: 'm2m_token' })).toMatchObject({ isAuthenticated: true, tokenType: 'm2m_token', machineId: 'mch_1' });
    expect(getAuth(req, { acceptsToken: ['session_token', 'm2m_token'] })).toMatchObject({ isAuthenticated: true, machineId: 'mch_1' });
    expect(getAuth(req, { acceptsToken: 'any' })).toMatchObject({ isAuthenticated: true, machineId: 'mch_1' });
    expect(getAuth(req, { acceptsToken: 'oauth_token' })).toMatchObject({ isAuthenticated: false, tokenType: 'oauth_token' });
  });

  it('refuses an acceptsToken that names no class, naming the call', async () => {
    const req = { headers: {} };
    await guarded(httpContext(req));
    expect(() => getAuth(req, { acceptsToken: 'session' as never })).toThrow(TypeError);
    expect(() => getAuth(req, { acceptsToken: 'session' as never })).toThrow(/^getAuth\(\{ acceptsToken \}\): expected 'any', one of 'session_token'/);
    expect(() => getAuth(req, {} as never)).toThrow(TypeError);
    expect(getAuth(req)).toMatchObject({ isAuthenticated: false });
  });

  it('reads through a WebSocket client and an RPC context to the carrier the guard made for them', async () => {
    const client = { handshake: { headers: {}, auth: { token: await issuer.sign({ sub: 'user_ws' }) } } };
    await guarded(wsContext(client));
    expect(getAuth(client)).toMatchObject({ isAuthenticated: true, userId: 'user_ws' });
    const ctx = {};
    await guarded(rpcContext({ authorization: await issuer.sign({ sub: 'user_rpc' }) }, ctx));
    expect(getAuth(ctx)).toMatchObject({ isAuthenticated: true, userId: 'user_rpc' });
  });
});

describe('admittedAuth', () => {
  it("is what a route admitting `route` sees; without acceptsToken, the token issuer's default (here 'any')", async () => {
    const req = { headers: { authorization: `Bearer ${await issuer.sign(clerkM2MClaims({ machineId: 'mch_2' }))}` } };
    await guarded(httpContext(req));
    expect(admittedAuth(req, { acceptsToken: 'm2m_token' })).toMatchObject({ isAuthenticated: true, machineId: 'mch_2' });
    expect(admittedAuth(req, { acceptsToken: 'session_token' })).toMatchObject({ isAuthenticated: false, tokenType: 'session_token' });
    expect(admittedAuth(req, {})).toMatchObject({ isAuthenticated: true, tokenType: 'm2m_token' });
    expect(() => admittedAuth({}, {})).toThrow(NO_GUARD);
  });
});
