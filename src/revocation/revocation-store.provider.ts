import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { memoryRevocationStore, redisRevocationStore, type RevocationStore } from 'nestjs-warden';

/** Injection token of the demo's revocation store. */
export const REVOCATION_STORE = Symbol('REVOCATION_STORE');

/**
 * With REDIS_URL set, a Redis store shared by every replica of the demo; otherwise one process's
 * memory. The AuthModule closes it on shutdown.
 */
export function revocationStoreFromEnv(config: Pick<ConfigService, 'get'>): RevocationStore {
  const url = config.get<string>('REDIS_URL');
  return url ? redisRevocationStore({ url }) : memoryRevocationStore();
}

export const revocationStoreProvider: Provider = {
  provide: REVOCATION_STORE,
  inject: [ConfigService],
  useFactory: revocationStoreFromEnv,
};
