import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Req, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { Auth, AuthError, AuthModule, AuthService, getAuth, type AuthObject, type SignedInAuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';

// The examples of docs/auth-object.md, run through a real app.

@Controller('account')
export class AccountController {
  @Get()
  account(@Auth() auth: SignedInAuthObject<{ email: string }>) {
    return {
      userId: auth.userId, // sub
      sessionId: auth.sessionId, // sid
      orgId: auth.orgId, // org_id (Clerk v1) or o.id (v2)
      email: auth.claims.email, // a custom claim, typed by the parameter
      canExport: auth.has({ role: 'admin', feature: 'exports' }), // every dimension must hold
    };
  }

  @Get('raw')
  raw(@Req() req: Request) {
    const auth: AuthObject = getAuth(req); // the same object, wherever you hold the request
    return { signedIn: auth.isAuthenticated };
  }
}

@Injectable()
export class InvoiceJobs {
  constructor(private readonly auth: AuthService) {}

  async run(job: { token: string; invoiceId: string }): Promise<string> {
    try {
      const auth = await this.auth.verifyToken(job.token); // the guard's checks, without a request
      return `${auth.userId} exports ${job.invoiceId}`;
    } catch (error) {
      if (error instanceof AuthError) return `refused: ${error.reason}`; // e.g. 'token-expired'
      throw error;
    }
  }
}

let issuer: TestIssuer;
let app: INestApplication;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const moduleRef = await Test.createTestingModule({
    imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
    controllers: [AccountController],
    providers: [InvoiceJobs],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
});
afterAll(() => app?.close());

describe('docs/auth-object.md', () => {
  it('reads the fields, a custom claim and has() in a handler, and getAuth(req)', async () => {
    const claims = {
      ...clerkSessionClaims({ userId: 'user_1', sessionId: 'sess_1', org: { id: 'org_1', role: 'admin' }, features: ['o:exports'] }),
      email: 'a@example.test',
    };
    const res = await request(app.getHttpServer())
      .get('/account')
      .set(await issuer.headers(claims))
      .expect(200);
    expect(res.body).toEqual({ userId: 'user_1', sessionId: 'sess_1', orgId: 'org_1', email: 'a@example.test', canExport: true });
    const member = await issuer.headers(clerkSessionClaims({ userId: 'user_2', org: { id: 'org_1', role: 'member' }, features: ['o:exports'] }));
    expect((await request(app.getHttpServer()).get('/account').set(member).expect(200)).body.canExport).toBe(false);
    await request(app.getHttpServer()).get('/account/raw').set(member).expect(200, { signedIn: true });
  });

  it('AuthService.verifyToken outside a request', async () => {
    const jobs = app.get(InvoiceJobs);
    expect(await jobs.run({ token: await issuer.sign({ sub: 'user_1' }), invoiceId: 'inv_1' })).toBe('user_1 exports inv_1');
    const expired = await issuer.sign({ sub: 'user_1', iat: 1, nbf: 1, exp: 2 });
    expect(await jobs.run({ token: expired, invoiceId: 'inv_1' })).toBe('refused: token-expired');
  });
});
