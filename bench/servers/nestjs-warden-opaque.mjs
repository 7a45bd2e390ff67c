// nestjs-warden with opaque tokens: the same app as nestjs-warden.mjs, plus RFC 7662 introspection
// at the runner's local endpoint; the load sends one opaque token, answered from the introspection cache.
import { Auth, AuthModule, RequireAuth } from '../.build/nestjs-warden/index.js';
import { appModule, config, decorate, serve } from './app.mjs';
import { Controller, Get } from '@nestjs/common';

class MeController {
  me(auth) {
    return { userId: auth.userId };
  }
}
Auth()(MeController.prototype, 'me', 0);
// Opaque access tokens are OAuth tokens: the route says it takes them (sessions only by default).
decorate([Get('me'), RequireAuth({ acceptsToken: 'oauth_token' })], MeController, 'me');
decorate([Controller()], MeController);

await serve(
  appModule({
    imports: [
      AuthModule.forRoot({
        jwksUrl: config.jwksUrl,
        issuer: config.issuer,
        audience: config.audience,
        introspection: { url: config.introspectionUrl, clientId: 'bench-api', clientSecret: 'bench-api-secret' },
        global: true,
      }),
    ],
    controllers: [MeController],
  }),
);
