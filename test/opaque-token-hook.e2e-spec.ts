import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions, type MachineAuthObject } from 'nestjs-warden';
import { type OpaqueTokenType, type VerifyOpaqueToken } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createHttpApp } from './support/http-app.js';
import { ProbeController } from './support/probe.controller.js';

/**
 * The `verifyOpaqueToken` hook: the app's own lookup of opaque tokens (an API-key table here; Clerk's
 * Backend API in the docs recipe below), behind the same cache, single flight, timeout and cooldown
 * as introspection.
 */

/** Clerk's Backend API verify endpoints for its opaque tokens, by class. */
const CLERK_VERIFY: Record<OpaqueTokenType, { path: string; field: string }> = {
  m2m_token: { path: '/v1/m2m_tokens/verify', field: 'token' },
  oauth_token: { path: '/v1/oauth_applications/access_tokens/verify', field: 'access_token' },
  api_key: { path: '/v1/api_keys/verify', field: 'secret' },
};

/** Verifies Clerk's `mt_`, `oat_` and `ak_` tokens with your instance's secret key. */
export function clerkOpaqueTokens(secretKey: string): VerifyOpaqueToken {
  return async (token, tokenType) => {
    const { path, field } = CLERK_VERIFY[tokenType];
    const res = await fetch(`https://api.clerk.com${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ [field]: token }),
    });
    if (res.status === 400 || res.status === 404 || res.status === 422) return null; // not a valid token
    if (!res.ok) throw new Error(`Clerk Backend API answered ${res.status}`); // -> 503, never allowed
    const found = (await res.json()) as {
      id: string;
      subject: string;
      scopes?: string[];
      client_id?: string;
      name?: string;
      claims?: Record<string, unknown> | null;
      revoked: boolean;
      expired: boolean;
      expiration: number | null;
    };
    if (found.revoked || found.expired) return null;
    const now = Math.floor(Date.now() / 1000);
    return {
      ...found.claims,
      jti: found.id,
      sub: found.subject,
      // Clerk's expiration is in ms; a token that never expires is asked about again after 5 minutes.
      exp: found.expiration === null ? now + 300 : Math.floor(found.expiration / 1000),
      // The scopes Clerk assigned, in the claim the class reads (M2M: scopes; OAuth, API keys: scope):
      // a scope the machine put in its own custom claims is never read for an M2M token.
      [tokenType === 'm2m_token' ? 'scopes' : 'scope']: (found.scopes ?? []).join(' '),
      ...(found.client_id ? { client_id: found.client_id } : {}),
      ...(found.name ? { name: found.name } : {}),
    };
  };
}

/** Your own API keys: a table lookup (a database in a real app). */
const apiKeys = new Map([['ak_live_7Hq2', { jti: 'key_1', sub: 'user_42', scope: 'reports:read', name: 'nightly export' }]]);

const verifyOpaqueToken: VerifyOpaqueToken = async (token, tokenType) => {
  const key = tokenType === 'api_key' ? apiKeys.get(token) : undefined;
  return key ? { ...key, exp: Math.floor(Date.now() / 1000) + 3600 } : null;
};

@Controller('reports')
export class ReportsController {
  @RequireAuth({ acceptsToken: 'api_key', scope: 'reports:read' })
  @Get()
  list(@Auth() auth: MachineAuthObject<'api_key'>) {
    return { key: auth.name, owner: auth.userId };
  }
}

/** Every machine class, with the whole auth object. */
@Controller()
class MachineProbeController {
  @RequireAuth({ acceptsToken: ['api_key', 'm2m_token', 'oauth_token'] })
  @Get('machine')
  machine(@Auth() auth: MachineAuthObject) {
    const { getToken: _getToken, has: _has, ...fields } = auth;
    return fields;
  }
}

let issuer: TestIssuer;
const apps: INestApplication[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function startApp(extra: Partial<AuthModuleOptions>): Promise<INestApplication> {
  const app = await createHttpApp('express', {
    imports: [AuthModule.forRoot({ ...issuer.moduleOptions({ debug: true, ...extra }), global: true })],
    controllers: [ProbeController, MachineProbeController, ReportsController],
  });
  apps.push(app);
  return app;
}

/** GET /machine: a route that accepts every machine class. */
const me = (app: INestApplication, token: string, path = '/machine') => request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

describe('verifyOpaqueToken', () => {
  it('accepts what the hook vouches for, refuses what it returns null for, and asks once per token', async () => {
    const seen: Array<[string, OpaqueTokenType]> = [];
    const app = await startApp({
      verifyOpaqueToken: (token, tokenType) => {
        seen.push([token, tokenType]);
        return verifyOpaqueToken(token, tokenType);
      },
    });
    const res = await me(app, 'ak_live_7Hq2').expect(200);
    expect(res.body).toMatchObject({
      isAuthenticated: true,
      tokenType: 'api_key',
      id: 'key_1',
      subject: 'user_42',
      userId: 'user_42',
      orgId: null,
      name: 'nightly export',
      scopes: ['reports:read'],
    });
    expect(res.body.claims).not.toHaveProperty('iss');
    expect((await me(app, 'ak_live_7Hq2', '/reports').expect(200)).body).toEqual({ key: 'nightly export', owner: 'user_42' });
    expect((await me(app, 'ak_live_7Hq2', '/me').expect(401)).body.reason).toBe('token-type-not-accepted');
    expect((await me(app, 'ak_unknown').expect(401)).body.reason).toBe('token-invalid');
    expect((await me(app, 'mt_3f9a').expect(401)).body.reason).toBe('token-invalid');
    await me(app, 'oat_x1').expect(401);
    expect(seen).toEqual([
      ['ak_live_7Hq2', 'api_key'],
      ['ak_unknown', 'api_key'],
      ['mt_3f9a', 'm2m_token'],
      ['oat_x1', 'oauth_token'],
    ]);
  });

  it('never sees a JWT, nor a token that is not RFC 6750 bearer syntax', async () => {
    let calls = 0;
    const app = await startApp({ verifyOpaqueToken: () => ((calls += 1), null) });
    await me(app, await issuer.sign({ sub: 'user_1' }), '/me').expect(200);
    expect((await me(app, 'a.b.c').expect(401)).body.reason).toBe('token-invalid');
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', 'Bearer ak_"quoted"').expect(401);
    expect(res.body.reason).toBe('token-invalid');
    expect(calls).toBe(0);
  });

  it('checks what the hook returns like JWT claims', async () => {
    const now = Math.floor(Date.now() / 1000);
    const answers: Record<string, unknown> = {
      ak_noexp: { sub: 'user_1' },
      ak_expired: { sub: 'user_1', exp: now - 60 },
      ak_otheriss: { sub: 'user_1', exp: now + 60, iss: 'https://elsewhere.example.com' },
      ak_nosub: { exp: now + 60 },
      ak_string: 'user_1',
      ak_true: true,
      ak_array: [{ sub: 'user_1', exp: now + 60 }],
    };
    const app = await startApp({ verifyOpaqueToken: (token) => answers[token] as never });
    expect((await me(app, 'ak_noexp').expect(401)).body.reason).toBe('token-invalid-claims');
    expect((await me(app, 'ak_expired').expect(401)).body.reason).toBe('token-expired');
    expect((await me(app, 'ak_otheriss').expect(401)).body.reason).toBe('token-invalid-issuer');
    expect((await me(app, 'ak_nosub').expect(401)).body.reason).toBe('token-invalid-claims');
    // A truthy answer that is not a claims object never allows.
    for (const token of ['ak_string', 'ak_true', 'ak_array']) expect((await me(app, token).expect(401)).body.reason).toBe('token-invalid-claims');
  });

  it('an accepted token is not served from the cache past maxTokenAgeInMs: 80 s old with a 60 s maximum age is refused', async () => {
    let now = Date.UTC(2026, 0, 1);
    const issuedAt = now / 1000;
    let calls = 0;
    const app = await startApp({
      clock: () => now,
      maxTokenAgeInMs: 60_000,
      verifyOpaqueToken: () => ((calls += 1), { sub: 'user_1', iat: issuedAt, exp: issuedAt + 3600 }),
    });
    await me(app, 'ak_aging').expect(200);
    now += 30_000;
    await me(app, 'ak_aging').expect(200);
    expect(calls).toBe(1);
    now += 50_000;
    expect((await me(app, 'ak_aging').expect(401)).body.reason).toBe('token-too-old');
    expect(calls).toBe(2);
  });

  it('a hook that throws answers 503 with Retry-After, and then cools down without asking', async () => {
    let calls = 0;
    const app = await startApp({
      verifyOpaqueToken: () => {
        calls += 1;
        throw new Error('secret key sk_live_do_not_leak rejected');
      },
      opaqueTokens: { cooldownInMs: 2000 },
    });
    const res = await me(app, 'mt_1').expect(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body.reason).toBe('introspection-unavailable');
    expect(JSON.stringify(res.body)).not.toContain('sk_live');
    await me(app, 'mt_2').expect(503);
    expect(calls).toBe(1);
  });

  it('a hook that never answers: 503 after opaqueTokens.timeoutInMs', async () => {
    const app = await startApp({ verifyOpaqueToken: () => new Promise(() => undefined), opaqueTokens: { timeoutInMs: 100 } });
    expect((await me(app, 'mt_slow').expect(503)).body.reason).toBe('introspection-unavailable');
  });

  it("boots with the Clerk recipe, whose hook a JWT never reaches (Clerk's API is not called in tests)", async () => {
    const app = await startApp({ verifyOpaqueToken: clerkOpaqueTokens('sk_test_unused') });
    await me(app, await issuer.sign({ sub: 'user_1', sid: 'sess_1' }), '/me').expect(200);
    await me(app, 'not.a.jwt').expect(401);
  });
});
