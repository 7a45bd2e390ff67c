// Added to both starter apps by test/package/package.e2e-spec.ts: the package's behaviour under the
// app's own test runner (Jest in the NestJS 11 CommonJS starter, Vitest in the NestJS 12 ESM one).
// Test globals only (no runner import), package imports only (no relative ones), so one file fits both.
import { Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, OptionalAuth, RequireAuth, type AuthObject, type SignedInAuthObject } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';

@Controller()
class WardenController {
  @Get('me') // required: the module's default policy
  me(@Auth() auth: SignedInAuthObject) {
    return { userId: auth.userId, sessionId: auth.sessionId };
  }

  @RequireAuth()
  @Get('user-id')
  userId(@Auth('userId') userId: string) {
    return { userId };
  }

  @OptionalAuth()
  @Get('feed')
  feed(@Auth() auth: AuthObject) {
    return { signedIn: auth.isAuthenticated, userId: auth.userId };
  }
}

describe('nestjs-warden in the starter app (e2e)', () => {
  let app: INestApplication;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const moduleFixture = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true })],
      controllers: [WardenController],
    }).compile();
    app = moduleFixture.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers 401 with a Bearer challenge on a required route without a token', async () => {
    const res = await request(app.getHttpServer()).get('/me').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('answers 200 with the auth object on a required route with a valid token', async () => {
    const token = await issuer.sign({ sub: 'user_1', sid: 'sess_1' });
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({ userId: 'user_1', sessionId: 'sess_1' });
  });

  it("hands one field to @Auth('userId') behind @RequireAuth()", async () => {
    const token = await issuer.sign({ sub: 'user_2' });
    await request(app.getHttpServer()).get('/user-id').expect(401);
    const res = await request(app.getHttpServer()).get('/user-id').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({ userId: 'user_2' });
  });

  it('runs an optional route signed out and signed in', async () => {
    const out = await request(app.getHttpServer()).get('/feed').expect(200);
    expect(out.body).toEqual({ signedIn: false, userId: null });
    const token = await issuer.sign({ sub: 'user_3' });
    const signedIn = await request(app.getHttpServer()).get('/feed').set('Authorization', `Bearer ${token}`).expect(200);
    expect(signedIn.body).toEqual({ signedIn: true, userId: 'user_3' });
  });

  it('answers 401 for a token from another issuer', async () => {
    const stranger = await createTestIssuer({ issuer: 'https://issuer.example' });
    const token = await stranger.sign({ sub: 'user_1' });
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
