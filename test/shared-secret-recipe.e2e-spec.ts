import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { SignJWT, type JWTPayload } from 'jose';
import { AuthModule } from 'nestjs-warden';
import { stringList } from 'nestjs-warden/core';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { ProbeController } from './support/probe.controller.js';

/** The shared-secret recipe of docs/issuer-recipes.md with a token shaped like Supabase Auth's (HS256). */

const secret = 'super-secret-jwt-token-with-at-least-32-characters-long';
const issuer = 'https://abcdefghijklmnop.supabase.co/auth/v1';
const now = () => Math.floor(Date.now() / 1000);

function supabaseToken(extra: JWTPayload = {}, key = secret): Promise<string> {
  return new SignJWT({
    iss: issuer,
    sub: '0b6f3c1e-2d4a-4b5c-8d9e-0f1a2b3c4d5e',
    aud: 'authenticated',
    exp: now() + 3600,
    iat: now(),
    email: 'jane@example.com',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'], roles: ['admin'] },
    user_metadata: {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: now() }],
    session_id: '3c1d2e4f-5a6b-7c8d-9e0f-1a2b3c4d5e6f',
    is_anonymous: false,
    ...extra,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(key));
}

describe.each(ADAPTERS)('shared secret recipe, Supabase-style (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createHttpApp(adapter, {
      imports: [
        AuthModule.forRoot({
          secret,
          issuer,
          audience: 'authenticated',
          authorization: (claims) => ({ roles: stringList((claims.app_metadata as { roles?: unknown } | undefined)?.roles) }),
          debug: true,
          global: true,
        }),
      ],
      controllers: [ProbeController],
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts the token and maps app_metadata.roles into has()', async () => {
    const token = await supabaseToken();
    const me = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({
      userId: '0b6f3c1e-2d4a-4b5c-8d9e-0f1a2b3c4d5e',
      sessionId: null,
      claims: { session_id: '3c1d2e4f-5a6b-7c8d-9e0f-1a2b3c4d5e6f' },
    });
    await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${token}`).expect(200);
    const plain = await supabaseToken({ app_metadata: { provider: 'email' } });
    await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${plain}`).expect(403);
  });

  it('refuses another secret, an anon-role token and another project', async () => {
    const cases: Array<[Promise<string>, string]> = [
      [supabaseToken({}, 'another-secret-of-another-project-with-32-chars'), 'token-invalid-signature'],
      [supabaseToken({ aud: 'anon', role: 'anon' }), 'token-invalid-audience'],
      [supabaseToken({ iss: 'https://zyxwvutsrqponmlk.supabase.co/auth/v1' }), 'token-invalid-issuer'],
    ];
    for (const [token, reason] of cases) {
      const res = await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', `Bearer ${await token}`)
        .expect(401);
      expect(res.body.reason).toBe(reason);
    }
  });
});
