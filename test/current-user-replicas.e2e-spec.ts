import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { AuthModule, CurrentUser, redisRevocationStore, type LoadUser, type RevocationStore } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import './support/app-user.js';
import { createHttpApp } from './support/http-app.js';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

/**
 * The user cache of `@CurrentUser()` on two replicas sharing a Redis revocation store: a subject
 * revoked on one replica is dropped from the other's cache, so once the revocation ends its user is
 * loaded afresh there, with what the loader answers now.
 */

const haveRedis = hasSystemBinary(REDIS_SERVER, 'user cache invalidated across replicas (Redis)');

@Controller()
class MeController {
  @Get('me')
  me(@CurrentUser() user: CurrentUser) {
    return user;
  }
}

(haveRedis ? describe : describe.skip)('the user cache across replicas', () => {
  let redis: RedisProcess;
  let issuer: TestIssuer;
  const replicas: Array<{ app: INestApplication; store: RevocationStore }> = [];
  /** What the "database" holds now: the loader reads it on every load. */
  const names = new Map<string, string>([['user_1', 'Ada']]);
  let loads = 0;
  const loadUser: LoadUser = (auth) => {
    loads += 1;
    const name = auth.tokenType === 'session_token' ? names.get(auth.userId) : undefined;
    return name === undefined ? null : { id: (auth as { userId: string }).userId, email: null, name };
  };

  beforeAll(async () => {
    [redis, issuer] = await Promise.all([startRedis(), createTestIssuer()]);
    for (const adapter of ['express', 'fastify'] as const) {
      const store = redisRevocationStore({ url: redis.url, log: () => undefined });
      const options = issuer.moduleOptions({ loadUser, currentUser: { cache: { ttlInMs: 600_000 } }, revocation: store, global: true });
      replicas.push({ app: await createHttpApp(adapter, { imports: [AuthModule.forRoot(options)], controllers: [MeController] }), store });
    }
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.app.close()));
    await redis?.kill();
  });

  const me = async (i: number) =>
    request(replicas[i].app.getHttpServer())
      .get('/me')
      .set(await issuer.headers({ sub: 'user_1', sid: 'sess_1' }));

  it('a revocation of the subject on replica A drops it from the cache of replica B', async () => {
    expect((await me(1)).body).toMatchObject({ name: 'Ada' });
    names.set('user_1', 'Ada Lovelace');
    expect((await me(1)).body).toMatchObject({ name: 'Ada' }); // cached
    const before = loads;
    await replicas[0].store.revoke({ iss: issuer.issuer, sub: 'user_1' }, Math.floor(Date.now() / 1000) + 1);
    await within(3000, async () => (await me(1)).status === 200 && loads > before, 'B serves user_1 again, loaded afresh');
    expect((await me(1)).body).toMatchObject({ name: 'Ada Lovelace' });
  });
});
