import { Global, Module } from '@nestjs/common';
import { REVOCATION_STORE, revocationStoreProvider } from './revocation-store.provider.js';

/** Provides the demo's revocation store (memory, or Redis with REDIS_URL) to the auth module and the dev routes. */
@Global()
@Module({ providers: [revocationStoreProvider], exports: [REVOCATION_STORE] })
export class RevocationModule {}
