import { Module, type DynamicModule } from '@nestjs/common';
import { DevIssuer as SharedDevIssuer } from 'nestjs-warden/dev-issuer';
import { DevIssuerController } from './dev-issuer.controller.js';
import { DevRevokeController } from './dev-revoke.controller.js';
import { DevIssuer } from './dev-issuer.service.js';
import { DevSessionController } from './dev-session.controller.js';

/** The embedded dev issuer; `enabled: false` gives an empty module (a real key source is configured). */
@Module({})
export class DevIssuerModule {
  static register(options: { enabled: boolean; url: string }): DynamicModule {
    if (!options.enabled) return { module: DevIssuerModule, global: true, providers: [{ provide: DevIssuer, useValue: null }], exports: [DevIssuer] };
    return {
      module: DevIssuerModule,
      global: true,
      controllers: [DevIssuerController, DevSessionController, DevRevokeController],
      providers: [
        {
          provide: DevIssuer,
          useFactory: async () => {
            // The app is its own issuer and authorized party (Clerk puts the app's origin in azp).
            const shared = await SharedDevIssuer.open({ issuer: options.url, keyFile: false, defaultAuthorizedParty: options.url });
            const issuer = new DevIssuer(shared);
            issuer.announce();
            return issuer;
          },
        },
      ],
      exports: [DevIssuer],
    };
  }
}
