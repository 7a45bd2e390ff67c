import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Injectable, Req, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { Auth, AuthGuard, AuthModule, AuthService, getAuth, RequireAuth, type AuthObject, type AuthResult } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

/** What the guard leaves on the request is read back from `req.auth`: never from someone else's `auth`. */

/** Another library's middleware-style guard that puts its own `auth` on the request first. */
@Injectable()
class PlantForeignAuth implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; auth?: unknown }>();
    if (req.headers['x-plant']) req.auth = { isAuthenticated: true, userId: 'intruder', payload: { sub: 'intruder' } };
    return true;
  }
}

/** A user's guard that signs in API keys itself, with an auth object it builds. */
@Injectable()
class ApiKeyGuard extends AuthGuard {
  protected override authenticate(token: string | null): AuthResult | Promise<AuthResult> {
    if (token !== 'api-key-1') return super.authenticate(token);
    const auth = { isAuthenticated: true, userId: 'service_1', has: () => false } as unknown as AuthObject;
    return { auth, error: null, tokenPresent: true };
  }
}

@UseGuards(PlantForeignAuth, AuthGuard)
@Controller('planted')
class PlantedController {
  @RequireAuth()
  @Get()
  who(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

@UseGuards(ApiKeyGuard)
@Controller('keys')
class ApiKeyController {
  @RequireAuth()
  @Get()
  who(@Req() req: object): { userId: string | null; same: boolean } {
    const auth = getAuth(req);
    return { userId: auth.userId, same: auth === (req as { auth?: unknown }).auth };
  }
}

/** Guarded twice: by the global guard and again by its own. */
@UseGuards(AuthGuard)
@Controller('twice')
class TwiceController {
  @RequireAuth()
  @Get()
  who(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

describe.each(ADAPTERS)('the guard result on the request on %s', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true, defaultPolicy: 'optional' })],
      controllers: [PlantedController, TwiceController],
      providers: [PlantForeignAuth],
    });
  });
  afterAll(() => app.close());

  it("does not take another library's req.auth for its own result", async () => {
    const server = app.getHttpServer();
    // The global guard ran first (no token: signed out); the planted object must not pass the second guard.
    const refused = await request(server).get('/planted').set('X-Plant', '1');
    expect(refused.status).toBe(401);
    const token = await issuer.sign({ sub: 'user_1' });
    const res = await request(server).get('/planted').set('X-Plant', '1').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: 'user_1' });
  });

  it('verifies once per request when two guards run on it, and answers cached tokens without verify()', async () => {
    const { verifier } = app.get(AuthService);
    // A full verification is the issuer's; every request is authenticated once, its second guard rechecks.
    const verify = jest.spyOn(verifier.issuers.fixed[0], 'verify');
    const cached = jest.spyOn(verifier, 'authenticate');
    const rechecked = jest.spyOn(verifier, 'recheck');
    try {
      const token = await issuer.sign({ sub: 'user_2' });
      for (let i = 1; i <= 4; i += 1) {
        const res = await request(app.getHttpServer()).get('/twice').set('Authorization', `Bearer ${token}`);
        expect(res.body).toEqual({ userId: 'user_2' });
      }
      // Requests 1 and 2 verify (the second stores the token), 3 and 4 are cache hits: one lookup each, never two.
      expect(verify).toHaveBeenCalledTimes(2);
      expect(cached).toHaveBeenCalledTimes(4);
      expect(rechecked).toHaveBeenCalledTimes(4);
    } finally {
      verify.mockRestore();
      cached.mockRestore();
      rechecked.mockRestore();
    }
  });
});

describe.each(ADAPTERS)('a guard subclass with its own auth objects on %s', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    const issuer = await createTestIssuer();
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions())],
      controllers: [ApiKeyController],
      providers: [ApiKeyGuard],
    });
  });
  afterAll(() => app.close());

  it('keeps the result of a guard subclass that builds its own auth object', async () => {
    const res = await request(app.getHttpServer()).get('/keys').set('Authorization', 'Bearer api-key-1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: 'service_1', same: true });
  });
});
