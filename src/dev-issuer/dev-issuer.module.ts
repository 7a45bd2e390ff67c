import { Module, type DynamicModule } from '@nestjs/common';
import { createTestIssuer } from 'nestjs-warden/testing';
import { DevIssuerController } from './dev-issuer.controller.js';
import { DevRevokeController } from './dev-revoke.controller.js';
import { DevIssuer } from './dev-issuer.service.js';

/** The embedded dev issuer; `enabled: false` gives an empty module (a real key source is configured). */
@Module({})
export class DevIssuerModule {
  static register(options: { enabled: boolean; url: string }): DynamicModule {
    if (!options.enabled) return { module: DevIssuerModule, global: true, providers: [{ provide: DevIssuer, useValue: null }], exports: [DevIssuer] };
    return {
      module: DevIssuerModule,
      global: true,
      controllers: [DevIssuerController, DevRevokeController],
      providers: [
        {
          provide: DevIssuer,
          useFactory: async () => {
            const issuer = new DevIssuer(await createTestIssuer({ issuer: options.url, kid: 'dev-issuer', expiresInSeconds: 600 }));
            issuer.announce();
            return issuer;
          },
        },
      ],
      exports: [DevIssuer],
    };
  }
}
