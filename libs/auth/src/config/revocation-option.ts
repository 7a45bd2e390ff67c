import { memoryRevocationStore, type MemoryRevocationStoreOptions } from '../revocation/memory-revocation-store.js';
import { ioredisAvailable } from '../revocation/redis-client.js';
import { redisRevocationStore, type RedisRevocationStoreOptions } from '../revocation/redis-revocation-store.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import { AuthConfigError } from './auth-config-error.js';
import { checkKeys } from './check-keys.js';

/**
 * A revocation store declared by its settings rather than built by the app: the AuthModule builds it
 * at boot (so `forRootAsync` can take them from `ConfigService`), hands it out as
 * `AUTH_REVOCATION_STORE` and closes it on shutdown; the testing kit swaps it before it is built.
 *
 * @example
 * revocation: { redis: { url: config.getOrThrow<string>('REDIS_URL') } }
 * revocation: { memory: true } // one process
 */
export type RevocationStoreDeclaration = { memory: true | MemoryRevocationStoreOptions } | { redis: RedisRevocationStoreOptions };

/** What the `revocation` option takes: a store, or the declaration of one. */
export type RevocationOption = RevocationStore | RevocationStoreDeclaration;

const REDIS_SETTINGS: ReadonlyArray<keyof RedisRevocationStoreOptions> = [
  'client',
  'url',
  'keyPrefix',
  'maxTokenLifetimeInSeconds',
  'staleWindowInMs',
  'heartbeatIntervalInMs',
  'commandTimeoutInMs',
  'retryAfterSeconds',
  'log',
  'clock',
];
const MEMORY_SETTINGS: ReadonlyArray<keyof MemoryRevocationStoreOptions> = ['maxTokenLifetimeInSeconds', 'maxEntries', 'clock'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for `{ memory: ... }` and `{ redis: ... }` (a store has `revoke` and `isRevoked` instead). */
export function isRevocationDeclaration(value: unknown): value is RevocationStoreDeclaration {
  return isObject(value) && typeof value.isRevoked !== 'function' && ('memory' in value || 'redis' in value);
}

/**
 * Builds the store a declaration describes; a store (or nothing) is returned as it is. Throws
 * {@link AuthConfigError} naming the setting at fault (`revocation.redis.url`), before any connection
 * is opened; a Redis store from a `url` needs the optional peer `ioredis`, checked here so that its
 * absence stops the boot instead of answering 503 for ever.
 *
 * @example
 * const store = await revocationStoreOf({ redis: { url: 'redis://127.0.0.1:6379' } });
 */
export async function revocationStoreOf(option: unknown): Promise<RevocationStore | undefined> {
  if (!isRevocationDeclaration(option)) return option as RevocationStore | undefined;
  const kinds = Object.keys(option);
  if (kinds.length !== 1) throw new AuthConfigError('revocation', `declare one store: { memory: ... } or { redis: ... }, got ${kinds.join(' and ')}`);
  if ('memory' in option) {
    const settings = option.memory === true ? {} : option.memory;
    if (!isObject(settings)) throw new AuthConfigError('revocation.memory', 'expected true or the settings of memoryRevocationStore()');
    checkKeys(settings, MEMORY_SETTINGS, 'revocation.memory.');
    return built('revocation.memory', () => memoryRevocationStore(settings));
  }
  const settings: unknown = option.redis;
  if (!isObject(settings)) throw new AuthConfigError('revocation.redis', 'expected the settings of redisRevocationStore(): { url } or { client }');
  checkKeys(settings, REDIS_SETTINGS, 'revocation.redis.');
  if (settings.url !== undefined && (typeof settings.url !== 'string' || !/^rediss?:\/\/./.test(settings.url))) {
    throw new AuthConfigError(
      'revocation.redis.url',
      `expected a redis:// or rediss:// URL, got ${settings.url === '' ? 'an empty string' : typeof settings.url}`,
    );
  }
  if (settings.url !== undefined && settings.client === undefined && !(await ioredisAvailable())) {
    throw new AuthConfigError('revocation.redis', 'needs the optional peer dependency "ioredis": npm install ioredis');
  }
  return built('revocation.redis', () => redisRevocationStore(settings));
}

/** The stores' own checks throw TypeErrors; at boot they name the option instead. */
function built(option: string, build: () => RevocationStore): RevocationStore {
  try {
    return build();
  } catch (error) {
    if (error instanceof TypeError) throw new AuthConfigError(option, error.message.replace(/^\w+: /, ''));
    throw error;
  }
}
