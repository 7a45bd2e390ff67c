// The hand-written baseline: a Nest guard around jose's createRemoteJWKSet + jwtVerify.
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { appModule, bearer, config, decorate, meController, serve } from './app.mjs';

const keys = createRemoteJWKSet(new URL(config.jwksUrl));

class JoseGuard {
  async canActivate(context) {
    const req = context.switchToHttp().getRequest();
    const token = bearer(req);
    if (!token) throw new UnauthorizedException();
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] });
      req.user = payload;
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}
decorate([Injectable()], JoseGuard);

await serve(appModule({ controllers: [meController((req) => req.user.sub, [JoseGuard])], providers: [JoseGuard] }));
