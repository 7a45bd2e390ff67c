import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { OptionalAuth } from 'nestjs-warden';
import { DevIssuer } from './dev-issuer.service.js';
import { DevRequestGuard } from './dev-request.guard.js';

/** Public routes of the dev issuer: its JWKS and a token endpoint. */
@OptionalAuth()
@UseGuards(DevRequestGuard)
@Controller()
export class DevIssuerController {
  constructor(private readonly issuer: DevIssuer) {}

  @Get('.well-known/jwks.json')
  jwks(): JSONWebKeySet {
    return this.issuer.jwks;
  }

  @Post('dev/tokens')
  @HttpCode(201)
  async token(@Body() body: unknown): Promise<{ token: string }> {
    return { token: await this.issuer.mint(body) };
  }
}
