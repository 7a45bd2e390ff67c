import { Controller, Get } from '@nestjs/common';
import { Auth, OptionalAuth, type AuthObject } from 'nestjs-warden';

@Controller('feed')
export class FeedController {
  /** Runs signed in or out; says which. */
  @OptionalAuth()
  @Get()
  feed(@Auth() auth: AuthObject): { signedIn: boolean; userId: string | null; items: string[] } {
    return {
      signedIn: auth.isAuthenticated,
      userId: auth.userId,
      items: auth.isAuthenticated ? [`Welcome back, ${auth.userId}`, 'Your team posted 3 updates'] : ['Sign in to see your feed'],
    };
  }
}
