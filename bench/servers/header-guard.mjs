// The floor of any Nest guard: one that only checks that an Authorization header is there.
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { appModule, bearer, decorate, meController, serve } from './app.mjs';

class HeaderGuard {
  canActivate(context) {
    if (!bearer(context.switchToHttp().getRequest())) throw new UnauthorizedException();
    return true;
  }
}
decorate([Injectable()], HeaderGuard);

await serve(appModule({ controllers: [meController(() => 'anonymous', [HeaderGuard])], providers: [HeaderGuard] }));
