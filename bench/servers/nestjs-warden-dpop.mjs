// nestjs-warden taking DPoP-bound tokens (RFC 9449): the same app as nestjs-warden.mjs, plus
// `dpop: 'allowed'`; a fresh proof on every request is verified and recorded in the replay store
// (in memory here; BENCH_REPLAY=redis: redisReplayStore, one SET NX PX per request). The bound token
// itself stays in the verified-token cache.
import { Auth, AuthModule, redisReplayStore } from '../.build/nestjs-warden/index.js';
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

const replayStore = process.env.BENCH_REPLAY === 'redis' ? redisReplayStore({ url: config.redisUrl, keyPrefix: `bench-replay-${process.pid}:` }) : undefined;
await serve(
  appModule({
    imports: [
      AuthModule.forRoot({
        jwksUrl: config.jwksUrl,
        issuer: config.issuer,
        audience: config.audience,
        dpop: 'allowed',
        dpopProof: { publicOrigin: config.dpopOrigin, replayStore },
        global: true,
      }),
    ],
    controllers: [MeController],
  }),
);
