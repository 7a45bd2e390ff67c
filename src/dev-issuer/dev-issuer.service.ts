import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import type { TestIssuer } from 'nestjs-warden/testing';

const MAX_LIFETIME_SECONDS = 24 * 60 * 60;
const RESERVED = new Set(['iss', 'iat', 'nbf', 'exp', 'expiresInSeconds']);

/** The embedded development issuer: a key pair made at start, never persisted. */
@Injectable()
export class DevIssuer {
  private readonly logger = new Logger('DevIssuer');

  constructor(private readonly issuer: TestIssuer) {}

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

  /** Signs a session token from the claims of a POST /dev/tokens body. */
  async mint(body: unknown): Promise<string> {
    if (body === undefined || body === null) body = {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestException('the body must be a JSON object of claims');
    const input = body as Record<string, unknown>;
    const lifetime = input.expiresInSeconds ?? 600;
    if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_LIFETIME_SECONDS) {
      throw new BadRequestException(`expiresInSeconds must be an integer from 1 to ${MAX_LIFETIME_SECONDS}`);
    }
    const claims: Record<string, unknown> = {
      sub: 'user_123',
      sid: `sess_${Math.random().toString(36).slice(2, 12)}`,
      azp: this.url,
    };
    for (const [name, value] of Object.entries(input)) {
      if (!RESERVED.has(name)) claims[name] = value;
    }
    for (const name of ['sub', 'sid', 'org_id', 'azp']) {
      const value = claims[name];
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new BadRequestException(`${name} must be a non-empty string`);
      }
    }
    return this.issuer.sign(claims, { expiresInSeconds: lifetime });
  }
}
