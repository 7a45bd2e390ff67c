import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth, createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';

// The testing kit signs anyone in. Imported by mistake into an app that runs in production, it must
// refuse, loudly, unless the test says it runs with NODE_ENV=production on purpose.

@Controller()
class MeController {
  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }
}

const saved = process.env.NODE_ENV;
let app: INestApplication | undefined;
afterEach(async () => {
  process.env.NODE_ENV = saved;
  await app?.close();
  app = undefined;
});

async function boot(testAuth: ReturnType<typeof createTestAuth>): Promise<INestApplication> {
  const moduleRef = await testAuth
    .override(
      Test.createTestingModule({
        imports: [AuthModule.forRoot({ jwksUrl: 'https://issuer.example/jwks', issuer: 'https://issuer.example', global: true })],
        controllers: [MeController],
      }),
    )
    .compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('the testing kit with NODE_ENV=production', () => {
  it('createTestAuth() and createTestIssuer() refuse, naming allowInProduction', async () => {
    process.env.NODE_ENV = 'production';
    expect(() => createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) })).toThrow(/NODE_ENV=production.*allowInProduction: true/);
    await expect(createTestIssuer()).rejects.toThrow(/NODE_ENV=production.*allowInProduction: true/);
  });

  it('a kit made before NODE_ENV became production refuses to boot the app and to sign tokens', async () => {
    const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
    const issuer = await createTestIssuer();
    process.env.NODE_ENV = 'production';
    await expect(boot(testAuth)).rejects.toThrow(/allowInProduction/);
    await expect(testAuth.token({ sub: 'user_2' })).rejects.toThrow(/allowInProduction/);
    await expect(issuer.sign({ sub: 'user_2' })).rejects.toThrow(/allowInProduction/);
  });

  it('signs in as before with allowInProduction: true', async () => {
    process.env.NODE_ENV = 'production';
    const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }), allowInProduction: true });
    const server = (await boot(testAuth)).getHttpServer();
    await request(server).get('/me').expect(200, { userId: 'user_1' });
    await request(server)
      .get('/me')
      .set(await testAuth.headers({ sub: 'user_2' }))
      .expect(200, { userId: 'user_2' });
    const issuer = await createTestIssuer({ allowInProduction: true });
    expect((await issuer.sign({ sub: 'user_3' })).split('.')).toHaveLength(3);
  });

  it('any other NODE_ENV (test, development, unset) changes nothing', async () => {
    for (const value of ['test', 'development', undefined]) {
      if (value === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = value;
      const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
      await request((await boot(testAuth)).getHttpServer())
        .get('/me')
        .expect(200, { userId: 'user_1' });
      await app!.close();
      app = undefined;
    }
  });
});
