// The common NestJS recipe: @nestjs/passport + passport-jwt + jwks-rsa.
import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { appModule, config, decorate, meController, serve } from './app.mjs';

class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({ jwksUri: config.jwksUrl, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }),
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ['RS256'],
    });
  }
  validate(payload) {
    return payload;
  }
}
decorate([Injectable()], JwtStrategy);

await serve(appModule({ controllers: [meController((req) => req.user.sub, [AuthGuard('jwt')])], providers: [JwtStrategy] }));
