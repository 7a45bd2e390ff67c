import { Controller, Get } from '@nestjs/common';
import { Auth, type SignedInAuthObject } from 'nestjs-warden';

@Controller('me')
export class MeController {
  /** Required by the app's default policy: signed out gets 401. Returns the auth object as JSON. */
  @Get()
  me(@Auth() auth: SignedInAuthObject): SignedInAuthObject {
    return auth;
  }
}
