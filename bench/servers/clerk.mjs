// Clerk's own backend SDK: verifyToken() in a Nest guard, keys from its Backend API's /v1/jwks.
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { verifyToken } from '@clerk/backend';
import { appModule, bearer, config, decorate, meController, serve } from './app.mjs';

const options = { secretKey: 'sk_test_bench', apiUrl: config.origin, apiVersion: 'v1', issuer: config.issuer, audience: config.audience };

class ClerkGuard {
  async canActivate(context) {
    const req = context.switchToHttp().getRequest();
    const token = bearer(req);
    if (!token) throw new UnauthorizedException();
    try {
      req.user = await verifyToken(token, options);
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}
decorate([Injectable()], ClerkGuard);

await serve(appModule({ controllers: [meController((req) => req.user.sub, [ClerkGuard])], providers: [ClerkGuard] }));
