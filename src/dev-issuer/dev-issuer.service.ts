import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { DevTokenRequestError, type DevIssuer as SharedDevIssuer } from 'nestjs-warden/dev-issuer';

/**
 * The embedded development issuer: the library's dev issuer (`nestjs-warden/dev-issuer`, the same
 * one `npx nestjs-warden dev-issuer` serves) with a key made at start, never persisted.
 */
@Injectable()
export class DevIssuer {
  private readonly logger = new Logger('DevIssuer');

  constructor(private readonly issuer: SharedDevIssuer) {}

  get url(): string {
    return this.issuer.issuer;
  }

  get jwks(): JSONWebKeySet {
    return this.issuer.jwks;
  }

  announce(): void {
    const line = '!'.repeat(78);
    this.logger.warn(
      [
        line,
        'DEV ISSUER ACTIVE: this server signs its own tokens with a key made at start.',
        `Anyone who can reach POST ${this.url}/dev/tokens can sign in as anyone.`,
        'Never expose it. Set AUTH_JWKS_URL or AUTH_JWT_KEY (and AUTH_ISSUER) to use a real issuer.',
        line,
      ].join('\n'),
    );
  }

  /** Signs a session token from the claims of a POST /dev/tokens body (400 for a bad one). */
  async mint(body: unknown): Promise<string> {
    try {
      return await this.issuer.mint(body);
    } catch (error) {
      if (error instanceof DevTokenRequestError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
