// Auth0's express-oauth2-jwt-bearer, wrapped in a Nest guard the way its docs suggest for Nest.
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { auth } from 'express-oauth2-jwt-bearer';
import { appModule, config, decorate, meController, serve } from './app.mjs';

const check = auth({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUrl, tokenSigningAlg: 'RS256' });

class OAuth2BearerGuard {
  canActivate(context) {
    const http = context.switchToHttp();
    const req = http.getRequest();
    return new Promise((resolve, reject) => {
      check(req, http.getResponse(), (error) => (error ? reject(new UnauthorizedException()) : resolve(true)));
    });
  }
}
decorate([Injectable()], OAuth2BearerGuard);

await serve(appModule({ controllers: [meController((req) => req.auth.payload.sub, [OAuth2BearerGuard])], providers: [OAuth2BearerGuard] }));
