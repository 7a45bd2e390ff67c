import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUTH_OPTIONS } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/resolved-options.js';
import { AuthBootCheckError, uncoveredHandlersMessage } from './auth-boot-check-error.js';
import { findUncoveredHandlers } from './guard-coverage.js';
import { findUntrustedRouteIssuers, trustedIssuers } from './route-issuers.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { AuthRevoker } from '../auth-revoker.js';
import { findRevokerUsers } from './revoker-users.js';

/**
 * Runs the app-wide checks once every module is initialised (`app.init()`, `app.listen()`,
 * `NestFactory.createMicroservice(...).listen()`): by then every controller, resolver, gateway and
 * `APP_GUARD` is known. A compiled testing module that is never initialised is not checked.
 */
@Injectable()
export class AuthBootChecks implements OnApplicationBootstrap {
  private readonly logger = new Logger('nestjs-warden');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  onApplicationBootstrap(): void {
    const tools = { discovery: this.discovery, scanner: this.scanner, reflector: this.reflector };
    const trusted = trustedIssuers(this.options);
    const untrusted = trusted ? findUntrustedRouteIssuers(tools, trusted) : [];
    if (untrusted.length > 0) {
      throw new AuthConfigError(
        '@RequireAuth({ issuer })',
        `names an issuer the module does not trust, so the route can never sign anyone in: ${untrusted.join(', ')}`,
      );
    }
    const revokers = this.options.revocation ? [] : findRevokerUsers(this.discovery, AuthRevoker);
    if (revokers.length > 0) {
      throw new AuthConfigError(
        'revocation',
        `${revokers.join(', ')} ${revokers.length === 1 ? 'injects' : 'inject'} AuthRevoker, but the AuthModule has no revocation store: ` +
          'set revocation: { memory: true } (one process) or { redis: { url } } (several replicas)',
      );
    }
    const uncovered = findUncoveredHandlers(tools);
    if (uncovered.length === 0) return;
    // Options made by a testing override may lack bootChecks: the default ('error') applies.
    if (this.options.bootChecks?.uncoveredHandlers === 'warn') {
      this.logger.warn(uncoveredHandlersMessage(uncovered, 'warn'));
      return;
    }
    throw new AuthBootCheckError(uncovered);
  }
}
