import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Query, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { Query as GqlQuery, Resolver } from '@nestjs/graphql';
import { MessagePattern, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Auth, AuthModule, RequireAuth, type SignedInAuthObject } from 'nestjs-warden';
import { type ReverificationConfig } from 'nestjs-warden/core';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { createGraphqlApp, type GraphqlBody } from './support/graphql-app.js';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { connectWsClient, createWsApp, WS_ADAPTERS } from './support/ws-app.js';
import { startTcpMicroservice } from './support/tcp-microservice.js';

/**
 * Clerk reverification end to end: `fva` edge values against every preset and level, Clerk's
 * `clerk_error` body over HTTP, GraphQL, WebSockets and RPC.
 */

@Controller('account')
export class AccountController {
  /** Second factor verified within the last 10 minutes, or 403 with Clerk's reverification body. */
  @RequireAuth({ reverification: 'strict' })
  @Get('delete')
  deleteAccount(@Auth('userId') userId: string) {
    return { deleted: userId };
  }

  @Get('can-export')
  canExport(@Auth() auth: SignedInAuthObject) {
    return { allowed: auth.has({ reverification: { level: 'first_factor', afterMinutes: 30 } }) };
  }
}

const PRESETS = ['strict_mfa', 'strict', 'moderate', 'lax'] as const;

@Controller('reverify')
class ReverifyController {
  @RequireAuth({ reverification: 'strict_mfa' }) @Get('strict_mfa') strictMfa() {
    return { ok: true };
  }
  @RequireAuth({ reverification: 'strict' }) @Get('strict') strict() {
    return { ok: true };
  }
  @RequireAuth({ reverification: 'moderate' }) @Get('moderate') moderate() {
    return { ok: true };
  }
  @RequireAuth({ reverification: 'lax' }) @Get('lax') lax() {
    return { ok: true };
  }
  @RequireAuth({ reverification: { level: 'first_factor', afterMinutes: 10 } }) @Get('first_factor') first() {
    return { ok: true };
  }
  @RequireAuth({ reverification: { level: 'second_factor', afterMinutes: 10 } }) @Get('second_factor') second() {
    return { ok: true };
  }
  @RequireAuth({ reverification: { level: 'multi_factor', afterMinutes: 10 } }) @Get('multi_factor') multi() {
    return { ok: true };
  }
  @RequireAuth({ role: 'admin', reverification: 'strict' }) @Get('admin') admin() {
    return { ok: true };
  }

  @Get('has')
  has(@Auth() auth: SignedInAuthObject, @Query('config') config: string) {
    return { has: auth.has({ reverification: JSON.parse(config) as ReverificationConfig }) };
  }
}

/** What each route requires, as Clerk's body spells it. */
const REQUIRED: Record<string, { level: string; afterMinutes: number }> = {
  strict_mfa: { level: 'multi_factor', afterMinutes: 10 },
  strict: { level: 'second_factor', afterMinutes: 10 },
  moderate: { level: 'second_factor', afterMinutes: 60 },
  lax: { level: 'second_factor', afterMinutes: 1440 },
  first_factor: { level: 'first_factor', afterMinutes: 10 },
  second_factor: { level: 'second_factor', afterMinutes: 10 },
  multi_factor: { level: 'multi_factor', afterMinutes: 10 },
};

const clerkBody = (route: string) => ({
  clerk_error: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: REQUIRED[route] } },
});

/**
 * `fva` = [minutes since first factor, minutes since second factor], -1 = not enrolled. Which routes
 * let each one through (Clerk's answers; every other route refuses).
 */
const CASES: Array<[string, [number, number] | null, string[]]> = [
  ['both just verified', [0, 0], ['strict_mfa', 'strict', 'moderate', 'lax', 'first_factor', 'second_factor', 'multi_factor']],
  ['both 9 minutes ago', [9, 9], ['strict_mfa', 'strict', 'moderate', 'lax', 'first_factor', 'second_factor', 'multi_factor']],
  ['both exactly 10 minutes ago', [10, 10], ['moderate', 'lax']],
  ['first fresh, second 10 minutes ago', [9, 10], ['moderate', 'lax', 'first_factor']],
  ['first 10 minutes ago, second fresh', [10, 9], ['strict', 'moderate', 'lax', 'second_factor']],
  ['second verified 59 minutes ago', [100, 59], ['moderate', 'lax']],
  ['second verified 60 minutes ago', [100, 60], ['lax']],
  ['second verified 1439 minutes ago', [2000, 1439], ['lax']],
  ['second verified a day ago', [2000, 1440], []],
  ['no second factor, first fresh', [9, -1], ['strict_mfa', 'strict', 'moderate', 'lax', 'first_factor', 'second_factor', 'multi_factor']],
  ['no second factor, first 59 minutes ago', [59, -1], ['moderate', 'lax']],
  ['no first factor, second fresh', [-1, 9], ['strict', 'moderate', 'lax', 'second_factor']],
  ['nothing enrolled', [-1, -1], []],
  ['no fva claim', null, []],
];

describe.each(ADAPTERS)('@RequireAuth({ reverification }) over HTTP (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      controllers: [ReverifyController, AccountController],
    });
  });
  afterAll(() => app?.close());

  const session = (fva: [number, number] | null, extra: Parameters<typeof clerkSessionClaims>[0] = {}) =>
    issuer.headers(clerkSessionClaims({ ...extra, ...(fva ? { factorVerificationAge: fva } : {}) }));

  it.each(CASES)('%s (fva %j): every preset and level as Clerk decides', async (_name, fva, allowed) => {
    const headers = await session(fva);
    for (const route of Object.keys(REQUIRED)) {
      const res = await request(app.getHttpServer()).get(`/reverify/${route}`).set(headers);
      if (allowed.includes(route)) {
        expect({ route, status: res.status }).toEqual({ route, status: 200 });
      } else {
        expect({ route, status: res.status, body: res.body }).toEqual({ route, status: 403, body: clerkBody(route) });
      }
      // has() answers the same: presets by name, levels as objects.
      const config = (PRESETS as readonly string[]).includes(route) ? route : REQUIRED[route];
      const has = await request(app.getHttpServer())
        .get('/reverify/has')
        .query({ config: JSON.stringify(config) })
        .set(headers);
      expect({ route, has: has.body.has }).toEqual({ route, has: allowed.includes(route) });
    }
  });

  it('sends no header an app would have to parse: the body says it all', async () => {
    const res = await request(app.getHttpServer())
      .get('/reverify/strict')
      .set(await session([0, 30]))
      .expect(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('asks for the role first: a user without it gets a plain 403, reverification would not help', async () => {
    const member = await session([0, 30], { org: { id: 'org_1', role: 'member' } });
    const plain = await request(app.getHttpServer()).get('/reverify/admin').set(member).expect(403);
    expect(plain.body.clerk_error).toBeUndefined();
    const admin = await session([0, 30], { org: { id: 'org_1', role: 'admin' } });
    expect((await request(app.getHttpServer()).get('/reverify/admin').set(admin).expect(403)).body).toEqual(clerkBody('strict'));
    await request(app.getHttpServer())
      .get('/reverify/admin')
      .set(await session([0, 0], { org: { id: 'org_1', role: 'admin' } }))
      .expect(200);
  });

  it('signed out is still 401, not a reverification prompt', async () => {
    await request(app.getHttpServer()).get('/reverify/strict').expect(401);
  });

  it('the documented controller', async () => {
    await request(app.getHttpServer())
      .get('/account/delete')
      .set(await session([0, 3]))
      .expect(200, { deleted: 'user_test' });
    expect(
      (
        await request(app.getHttpServer())
          .get('/account/delete')
          .set(await session([0, 30]))
          .expect(403)
      ).body,
    ).toEqual(clerkBody('strict'));
    expect(
      (
        await request(app.getHttpServer())
          .get('/account/can-export')
          .set(await session([29, -1]))
          .expect(200)
      ).body,
    ).toEqual({ allowed: true });
    expect(
      (
        await request(app.getHttpServer())
          .get('/account/can-export')
          .set(await session([30, 0]))
          .expect(200)
      ).body,
    ).toEqual({ allowed: false });
  });
});

@Resolver()
class ReverifyResolver {
  @RequireAuth({ reverification: 'strict' })
  @GqlQuery(() => String)
  secret(): string {
    return 'ok';
  }
}

describe.each(ADAPTERS)('reverification over GraphQL (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createGraphqlApp(adapter, 'type Query { secret: String }', {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      providers: [ReverifyResolver],
    });
  });
  afterAll(() => app?.close());

  it('FORBIDDEN with clerk_error in the extensions; the query runs once reverified', async () => {
    const stale = await issuer.headers(clerkSessionClaims({ factorVerificationAge: [0, 30] }));
    const body = (await request(app.getHttpServer()).post('/graphql').set(stale).send({ query: '{ secret }' })).body as GraphqlBody;
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', clerk_error: clerkBody('strict').clerk_error });
    const fresh = await issuer.headers(clerkSessionClaims({ factorVerificationAge: [0, 1] }));
    expect(((await request(app.getHttpServer()).post('/graphql').set(fresh).send({ query: '{ secret }' })).body as GraphqlBody).data).toEqual({ secret: 'ok' });
  });
});

@WebSocketGateway()
class ReverifyGateway {
  @RequireAuth({ reverification: 'strict' })
  @SubscribeMessage('secret')
  secret() {
    return { event: 'reply', data: 'ok' };
  }
}

describe.each(WS_ADAPTERS)('reverification over WebSockets (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ app, port } = await createWsApp(adapter, { imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))], providers: [ReverifyGateway] }));
  });
  afterAll(() => app?.close());

  it('the exception event carries clerk_error', async () => {
    const client = await connectWsClient(adapter, port, { headers: await issuer.headers(clerkSessionClaims({ factorVerificationAge: [0, 30] })) });
    try {
      expect(await client.call('secret')).toEqual({
        exception: {
          status: 'error',
          statusCode: 403,
          error: 'Forbidden',
          message: 'Forbidden',
          code: 'FORBIDDEN',
          clerk_error: clerkBody('strict').clerk_error,
        },
      });
    } finally {
      client.close();
    }
  });
});

@Controller()
class ReverifyHandlers {
  @RequireAuth({ reverification: 'strict' })
  @MessagePattern('secret')
  secret(): string {
    return 'ok';
  }
}

describe('reverification over RPC (TCP on 127.0.0.1)', () => {
  let issuer: TestIssuer;
  let service: INestMicroservice;
  let client: ClientProxy;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      controllers: [ReverifyHandlers],
    }).compile();
    ({ service, client } = await startTcpMicroservice(moduleRef));
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  it('the RpcException carries clerk_error; a reverified caller gets the reply', async () => {
    const stale = await issuer.sign(clerkSessionClaims({ factorVerificationAge: [0, 30] }));
    const error = await firstValueFrom(client.send('secret', { authorization: stale })).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', clerk_error: clerkBody('strict').clerk_error });
    const fresh = await issuer.sign(clerkSessionClaims({ factorVerificationAge: [0, 0] }));
    expect(await firstValueFrom(client.send('secret', { authorization: fresh }))).toBe('ok');
  });
});
