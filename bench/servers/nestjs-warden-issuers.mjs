// nestjs-warden as in nestjs-warden.mjs, trusting three issuers: the bench's (last in the list) and
// two others. A token's iss selects its entry; a cached token is answered before any selection.
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

const entry = (issuer) => ({ jwksUrl: config.jwksUrl, issuer, audience: config.audience });
await serve(
  appModule({
    imports: [
      AuthModule.forRoot({
        issuers: [entry('https://tenant-a.bench.example'), entry('https://tenant-b.bench.example'), entry(config.issuer)],
        global: true,
      }),
    ],
    controllers: [MeController],
  }),
);
