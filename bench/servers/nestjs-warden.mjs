// nestjs-warden as a user writes it: global guard, remote JWKS, issuer and audience pinned.
import { Auth, AuthModule } from '../.build/nestjs-warden/index.js';
import { appModule, config, decorate, serve } from './app.mjs';
import { Controller, Get } from '@nestjs/common';

class MeController {
  me(auth) {
    return { userId: auth.userId };
  }
}
Auth()(MeController.prototype, 'me', 0);
decorate([Get('me')], MeController, 'me');
decorate([Controller()], MeController);

const cache = config.cache === false ? false : undefined;
await serve(
  appModule({
    imports: [AuthModule.forRoot({ jwksUrl: config.jwksUrl, issuer: config.issuer, audience: config.audience, cache, global: true })],
    controllers: [MeController],
  }),
);
