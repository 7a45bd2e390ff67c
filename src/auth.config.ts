import type { ConfigService } from '@nestjs/config';
import type { AuthModuleOptions, RevocationStore } from 'nestjs-warden';
import type { DevIssuer } from './dev-issuer/dev-issuer.service.js';

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

/**
 * AuthModule options from the environment: AUTH_JWKS_URL or AUTH_JWT_KEY (PEM; `\n` escapes allowed),
 * AUTH_ISSUER, AUTH_AUDIENCE and AUTH_AUTHORIZED_PARTIES (comma-separated). With none of them set,
 * the embedded dev issuer's keys, its own origin as authorized party plus DEMO_ALLOWED_ORIGINS.
 * `revocation`: the store of the RevocationModule (memory, or Redis with REDIS_URL).
 */
export function authOptionsFromEnv(config: ConfigService, dev: DevIssuer | null, revocation?: RevocationStore): AuthModuleOptions {
  // Dev mode: the demo is its own frontend; DEMO_ALLOWED_ORIGINS adds frontends on other origins.
  if (dev) {
    const authorizedParties = [dev.url, ...(list(config.get<string>('DEMO_ALLOWED_ORIGINS')) ?? [])];
    return { jwks: dev.jwks, issuer: dev.url, authorizedParties, ...(revocation ? { revocation } : {}) };
  }
  const jwtKey = config.get<string>('AUTH_JWT_KEY')?.replace(/\\n/g, '\n');
  const jwksUrl = config.get<string>('AUTH_JWKS_URL');
  return {
    ...(jwtKey ? { jwtKey } : {}),
    ...(jwksUrl ? { jwksUrl } : {}),
    issuer: list(config.get<string>('AUTH_ISSUER')),
    audience: list(config.get<string>('AUTH_AUDIENCE')),
    authorizedParties: list(config.get<string>('AUTH_AUTHORIZED_PARTIES')),
    debug: config.get<string>('AUTH_DEBUG') === 'true',
    ...(revocation ? { revocation } : {}),
  };
}
