import { randomBytes } from 'node:crypto';
import type { FactoryProvider } from '@nestjs/common';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { SignJWT } from 'jose';
import {
  resolveAuthOptions,
  revocationStoreOf,
  TokenVerifier,
  type KeySource,
  type ResolvedAuthOptions,
  type TokenOrigin,
  type Verification,
} from '../core/index.js';
import {
  AUTH_OPTIONS,
  AUTH_OPTIONS_OVERRIDE,
  AuthService,
  memoryRevocationStore,
  type AuthModuleOptions,
  type AuthOptionsOverride,
  type AuthResult,
  type RevocationStore,
} from '../index.js';
import { tokenHeaderOf, type TestClaims } from './machine-claims.js';
import { refuseInProduction } from './production-refusal.js';

export type { TestClaims } from './machine-claims.js';

/** Options of {@link createTestAuth}. */
export interface TestAuthOptions {
  /**
   * Requests without a token are this user (e.g. `clerkSessionClaims({ userId: 'user_1' })`) or this
   * machine (`clerkM2MClaims()`, `clerkOAuthClaims()`: their header makes the class); null: signed out.
   */
  as?: TestClaims | null;
  /** Token lifetime. Default 60 s. */
  expiresInSeconds?: number;
  /**
   * The kit refuses to be created, to boot an app and to sign tokens when `NODE_ENV` is `production`
   * (it signs anyone in: in a real app that is a way in for everyone). `true` allows it, for a test
   * that must run with `NODE_ENV=production`. Default false.
   */
  allowInProduction?: boolean;
  /**
   * Keep the app's revocation store (a Redis one needs its Redis running). Default false: the kit puts
   * a memory store in its place, so a test needs no Redis, never waits for one at boot nor answers 503
   * without it, and `AuthRevoker` / `AUTH_REVOCATION_STORE` / Clerk webhooks revoke into it.
   */
  keepRevocationStore?: boolean;
}

/**
 * Signs in test users without any keys: the app's verification step is swapped for one that trusts
 * tokens of this kit (signed with a random secret that lives and dies with the test), and everything
 * after it is real: claim checks with the app's own options, the auth object, `@RequireAuth()`
 * policies, 401/403 on every transport.
 */
export interface TestAuth {
  /**
   * Installs the override on a testing module: `await testAuth.override(Test.createTestingModule({...})).compile()`.
   * Works whatever the app's options are: the app's key source is never built, and options whose
   * configuration is missing in the test (a `ConfigService` factory that throws, `process.env`
   * values that are unset) fall back to the defaults instead of stopping the boot.
   */
  override<T extends TestingModuleBuilder>(builder: T): T;
  /** The same override as a provider, for modules built by hand. */
  readonly provider: FactoryProvider<AuthService>;
  /** Who requests without a token are from now on; null signs them out. */
  signInAs(claims: TestClaims | null): void;
  /** A token for `claims` that the overridden app accepts (and no other app does). */
  token(claims?: TestClaims): Promise<string>;
  /** `{ authorization: 'Bearer <token>' }`, for supertest's `.set()` or a WebSocket handshake. */
  headers(claims?: TestClaims): Promise<{ authorization: string }>;
}

/**
 * What the kit replaces: the app's key source and the algorithms pinned to it, its several issuers
 * (test tokens then carry the `iss` their claims give, e.g. for `@RequireAuth({ issuer })`), and its
 * decryption keys (the kit's tokens are signed, not encrypted; the app's keys may not exist in tests).
 */
const KEY_OPTIONS = [
  'jwksUrl',
  'jwks',
  'jwtKey',
  'secret',
  'algorithms',
  'issuers',
  'resolveIssuer',
  'maxIssuers',
  'resolveIssuerTtlInMs',
  'resolveIssuerMaxCalls',
  'resolveIssuerTimeoutInMs',
  'resolveIssuerAddresses',
  'decryption',
] as const;

/**
 * The memory store the kit puts in place of the app's (with its `maxTokenLifetimeInSeconds`). Closing
 * it (the module does at shutdown) also closes a store the app built itself and handed over: the
 * module would have closed that one, and its connections must not keep the test process alive.
 */
function substituteStore(appStore: unknown): RevocationStore {
  const settings = (appStore as { redis?: { maxTokenLifetimeInSeconds?: unknown }; memory?: { maxTokenLifetimeInSeconds?: unknown } } | undefined) ?? {};
  const declared = settings.redis?.maxTokenLifetimeInSeconds ?? (typeof settings.memory === 'object' ? settings.memory?.maxTokenLifetimeInSeconds : undefined);
  const memory = memoryRevocationStore(typeof declared === 'number' ? { maxTokenLifetimeInSeconds: declared } : {});
  const built = appStore as Partial<RevocationStore> | undefined;
  return {
    revoke: (target, until) => memory.revoke(target, until),
    isRevoked: (claims) => memory.isRevoked(claims),
    close: async () => {
      if (typeof built?.isRevoked === 'function') await built.close?.();
    },
  };
}

/**
 * The app's options with the kit's key in place of the app's, and a memory revocation store in place
 * of the app's (unless kept). When they still do not pass the checks (configuration the test
 * environment lacks, or an options factory that threw), the defaults with the kit's key: a test must
 * boot whatever the app's configuration is. A store is always there, so what revokes in the app
 * (`AuthRevoker`) works even when the app's options could not be read.
 */
function testOptions(secret: Uint8Array, keepRevocationStore: boolean): AuthOptionsOverride {
  return async (options) => {
    const kept: AuthModuleOptions = { ...(options ?? {}) };
    for (const key of KEY_OPTIONS) delete kept[key];
    const revocation = keepRevocationStore ? await revocationStoreOf(kept.revocation) : substituteStore(kept.revocation);
    try {
      return resolveAuthOptions({ ...kept, secret, revocation });
    } catch {
      return resolveAuthOptions({ secret, revocation });
    }
  };
}

/**
 * Creates a keyless sign-in for e2e tests.
 *
 * @example
 * const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
 * const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [AppModule] })).compile();
 * // every request is user_1; another user: .set(await testAuth.headers({ sub: 'user_2' }))
 */
export function createTestAuth(options: TestAuthOptions = {}): TestAuth {
  const guard = () => refuseInProduction(options.allowInProduction, 'createTestAuth()');
  guard();
  const secret = new Uint8Array(randomBytes(32));
  const keySource: KeySource = { kind: 'secret', algorithms: ['HS256'], key: secret };
  let current: TestClaims | null = options.as ?? null;
  let appOptions: ResolvedAuthOptions | undefined;

  async function token(claims: TestClaims = {}): Promise<string> {
    guard();
    if (!appOptions) {
      throw new Error('nestjs-warden/testing: token() needs the app: compile the testing module with testAuth.override() first');
    }
    const now = Math.floor((appOptions.clock ?? Date.now)() / 1000);
    // The kit replaces the app's issuers with one: its rules are what test tokens must meet.
    const rules = appOptions.issuers.entries[0];
    const header = tokenHeaderOf(claims);
    const payload: TestClaims = {
      sub: 'user_test',
      // A session id only for what will be a session: a machine token carries none.
      ...(header.cat === undefined && header.typ === undefined ? { sid: 'sess_test' } : {}),
      iat: now,
      nbf: now,
      exp: now + (options.expiresInSeconds ?? 60),
      ...claims,
      // What the app checks, it gets: test users are about who they are, not about the app's issuer config.
      ...(rules.issuer ? { iss: rules.issuer[0] } : {}),
      ...(rules.audience ? { aud: rules.audience[0] } : {}),
      ...(rules.authorizedParties ? { azp: rules.authorizedParties[0] } : {}),
    };
    return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: rules.typ ?? 'JWT', ...header }).sign(secret);
  }

  class TestAuthService extends AuthService {
    constructor(resolved: ResolvedAuthOptions) {
      // At the app's boot: an app that runs in production with the override never starts.
      guard();
      super(resolved);
      appOptions = resolved;
      (this as { verifier: TokenVerifier }).verifier = new TokenVerifier(resolved, keySource, resolved.clock);
    }

    /** A request without a token is the signed-in test user, if any: the rest of the path is the app's own. */
    override verification(raw: string | null, source: TokenOrigin | null = 'header'): Verification | Promise<Verification> {
      if (raw || !current) return super.verification(raw, source);
      return token(current).then((signed) => super.verification(signed, 'header'));
    }

    override async authenticate(raw: string | null | undefined): Promise<AuthResult> {
      return super.authenticate(raw || (current ? await token(current) : raw));
    }
  }

  const provider: FactoryProvider<AuthService> = {
    provide: AuthService,
    useFactory: (resolved: ResolvedAuthOptions) => new TestAuthService(resolved),
    inject: [AUTH_OPTIONS],
  };

  return {
    provider,
    override: (builder) =>
      builder
        .overrideProvider(AUTH_OPTIONS_OVERRIDE)
        .useValue(testOptions(secret, options.keepRevocationStore === true))
        .overrideProvider(AuthService)
        .useFactory({ factory: provider.useFactory, inject: provider.inject }) as typeof builder,
    signInAs(claims) {
      current = claims;
    },
    token,
    headers: async (claims) => ({ authorization: `Bearer ${await token(claims)}` }),
  };
}
