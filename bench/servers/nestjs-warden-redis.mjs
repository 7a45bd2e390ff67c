// nestjs-warden with a Redis revocation store (as a multi-replica deployment runs it): the same app as
// nestjs-warden.mjs, plus `revocation: redisRevocationStore(...)` holding 1000 revoked sessions.
// Every request asks the store, answered from its local mirror: no network call per request.
import { Auth, AuthModule, redisRevocationStore } from '../.build/nestjs-warden/index.js';
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

const revocation = redisRevocationStore({ url: config.redisUrl, keyPrefix: 'bench' });
await revocation.ready();
for (let i = 0; i < 1000; i += 1) await revocation.revoke({ sid: `sess_revoked_${i}` });
await serve(
  appModule({
    imports: [AuthModule.forRoot({ jwksUrl: config.jwksUrl, issuer: config.issuer, audience: config.audience, revocation, global: true })],
    controllers: [MeController],
  }),
);
