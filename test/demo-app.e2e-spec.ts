import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

describe.each(ADAPTERS)('the demo app on its embedded dev issuer (%s)', (adapter) => {
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  const mint = async (claims: Record<string, unknown>): Promise<string> => {
    const res = await request(server).post('/dev/tokens').send(claims);
    expect(res.status).toBe(201);
    return res.body.token as string;
  };

  beforeAll(async () => {
    app = await createHttpApp(adapter, { imports: [AppModule] });
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  it('GET /health is public', async () => {
    expect((await request(server).get('/health')).body).toEqual({ status: 'ok' });
  });

  it('publishes its JWKS with one public key', async () => {
    const { body } = await request(server).get('/.well-known/jwks.json');
    expect(body.keys).toHaveLength(1);
    // The shared dev issuer (nestjs-warden/dev-issuer): kid is the key's RFC 7638 thumbprint.
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), use: 'sig' });
    expect(body.keys[0].d).toBeUndefined();
  });

  it('GET /me: 401 signed out, the auth object signed in', async () => {
    const res = await request(server).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    const token = await mint({ sub: 'user_123', sid: 'sess_abc' });
    const me = await request(server).get('/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ isAuthenticated: true, userId: 'user_123', sessionId: 'sess_abc', orgId: null });
    expect(Object.keys(me.body.claims).sort()).toEqual(['azp', 'exp', 'iat', 'iss', 'nbf', 'sid', 'sub']);
  });

  it('GET /feed runs signed in and signed out', async () => {
    expect((await request(server).get('/feed')).body).toMatchObject({ signedIn: false, userId: null });
    const token = await mint({ sub: 'user_feed' });
    expect((await request(server).get('/feed').set('Cookie', `__session=${token}`)).body).toMatchObject({ signedIn: true, userId: 'user_feed' });
  });

  it('GET /org/invoices: 401, 403 without the permission, 200 with it (v1 and v2 claims)', async () => {
    expect((await request(server).get('/org/invoices')).status).toBe(401);
    const plain = await mint({ sub: 'user_1' });
    const denied = await request(server).get('/org/invoices').set('Authorization', `Bearer ${plain}`);
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const v1 = await mint({ sub: 'user_1', org_id: 'org_1', org_role: 'org:admin', org_permissions: ['org:invoices:read'] });
    expect((await request(server).get('/org/invoices').set('Authorization', `Bearer ${v1}`)).body.orgId).toBe('org_1');
    const v2 = await mint({ sub: 'user_2', v: 2, fea: 'o:invoices', o: { id: 'org_2', rol: 'admin', per: 'read', fpm: '1' } });
    expect((await request(server).get('/org/invoices').set('Authorization', `Bearer ${v2}`)).body.orgId).toBe('org_2');
  });

  it('POST /dev/tokens refuses bad bodies with 400', async () => {
    expect((await request(server).post('/dev/tokens').send([1, 2])).status).toBe(400);
    expect((await request(server).post('/dev/tokens').send({ sub: 5 })).status).toBe(400);
    expect((await request(server).post('/dev/tokens').send({ expiresInSeconds: -1 })).status).toBe(400);
  });

  it('GET / serves the sign-in page; POST /dev/session sets an HttpOnly __session cookie the API accepts; DELETE clears it', async () => {
    const page = await request(server).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<button id="sign-in">');
    const signIn = await request(server)
      .post('/dev/session')
      .send({ sub: 'user_page', org_id: 'org_1', org_permissions: ['org:invoices:read'] });
    expect(signIn.status).toBe(200);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^__session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
    const cookie = setCookie.split(';')[0];
    expect((await request(server).get('/me').set('Cookie', cookie)).body).toMatchObject({ userId: 'user_page', orgId: 'org_1' });
    expect((await request(server).get('/org/invoices').set('Cookie', cookie)).status).toBe(200);
    const signOut = await request(server).delete('/dev/session');
    expect(String(signOut.headers['set-cookie'])).toContain('__session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    expect((await request(server).post('/dev/session').send({ sub: 7 })).status).toBe(400);
  });

  it('honours expiresInSeconds', async () => {
    const token = await mint({ sub: 'user_1', expiresInSeconds: 30 });
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(exp - iat).toBe(30);
  });
});
