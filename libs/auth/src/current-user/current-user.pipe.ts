import { Inject, Injectable, Optional, type PipeTransform } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { AUTH_OPTIONS, CURRENT_USER_LOADER } from '../auth.constants.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import type { ResolvedAuthOptions } from '../config/resolved-options.js';
import { unauthorizedDenial, unavailableDenial, type AuthDenial } from '../policy/denials.js';
import { toTransportException } from '../transport-exceptions.js';
import type { UserLoading, UserRequest } from './user-loading.js';

/** What a `@CurrentUser()` parameter hands its pipe: the request to load for, and the HTTP response for headers. */
export class UserParam {
  constructor(
    readonly request: UserRequest,
    readonly response: object | undefined,
  ) {}
}

/**
 * Resolves a `@CurrentUser()` parameter: the user `loadUser` gives for the request (once per
 * request), null on a route the request is signed out on; no user is 401 (or 403 by
 * `currentUser.whenMissing`), a loader outage 503 `user-unavailable` with `Retry-After`, as the
 * transport's error. Built when a handler uses `@CurrentUser()`: without `loadUser` the boot stops.
 */
@Injectable()
export class CurrentUserPipe implements PipeTransform<unknown, Promise<unknown>> {
  private readonly loading: UserLoading;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Optional() @Inject(CURRENT_USER_LOADER) loading: UserLoading | null,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    if (!loading) throw new AuthConfigError('loadUser', '@CurrentUser() is used, but the AuthModule has no loadUser to load users with');
    this.loading = loading;
  }

  async transform(value: unknown): Promise<unknown> {
    if (!(value instanceof UserParam)) return value;
    try {
      return await this.loading.userFor(value.request);
    } catch (error) {
      const denial = this.denialOf(error);
      const adapter = this.adapterHost?.httpAdapter;
      if (value.request.transport === 'http' && adapter && value.response) {
        for (const [name, header] of Object.entries(denial.headers)) adapter.setHeader(value.response, name, header);
      }
      throw await toTransportException(value.request.transport, denial, this.options.debug);
    }
  }

  private denialOf(error: unknown): AuthDenial {
    // Stryker disable next-line StringLiteral: (the message) a denial carries the error's reason and retry hint, never its message
    const known = error instanceof AuthError ? error : new AuthError(AuthErrorReason.UserUnavailable, 'the user could not be loaded', 1);
    if (known.reason !== AuthErrorReason.UserNotFound) return unavailableDenial(known, 1);
    if (this.options.currentUser?.whenMissing === 403) return { status: 403, reason: known.reason, headers: {} };
    return unauthorizedDenial(known, this.options.realm, this.options.debug);
  }
}
