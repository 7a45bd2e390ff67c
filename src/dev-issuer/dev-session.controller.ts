import { Body, Controller, Delete, Get, Header, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { OptionalAuth } from 'nestjs-warden';
import { devPageHtml } from './dev-page.html.js';
import { DevIssuer } from './dev-issuer.service.js';
import { DevRequestGuard } from './dev-request.guard.js';

/** Express and Fastify responses both have `header(name, value)`. */
interface HeaderTarget {
  header(name: string, value: string): unknown;
}

const SESSION_SECONDS = 600;

/**
 * The browser side of the dev issuer: the page at `/`, and a session endpoint that sets the
 * `__session` cookie as Clerk's frontend would (HttpOnly here, so page scripts cannot read it).
 */
@OptionalAuth()
@UseGuards(DevRequestGuard)
@Controller()
export class DevSessionController {
  constructor(private readonly issuer: DevIssuer) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return devPageHtml();
  }

  /** Signs in: the body's claims become a session token in the `__session` cookie. */
  @Post('dev/session')
  @HttpCode(200)
  async signIn(@Body() body: unknown, @Res({ passthrough: true }) res: HeaderTarget): Promise<{ signedIn: true }> {
    const claims = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, expiresInSeconds: SESSION_SECONDS } : body;
    const token = await this.issuer.mint(claims);
    res.header('Set-Cookie', `__session=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}`);
    return { signedIn: true };
  }

  @Delete('dev/session')
  @HttpCode(200)
  signOut(@Res({ passthrough: true }) res: HeaderTarget): { signedIn: false } {
    res.header('Set-Cookie', '__session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    return { signedIn: false };
  }
}
