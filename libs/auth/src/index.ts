// The main entry: what a Nest app uses. Integrations live behind subpaths (`nestjs-warden/openapi`,
// `/clerk-webhooks`, `/metrics`), the framework-free verifier and plumbing behind `nestjs-warden/core`,
// the testing kit behind `nestjs-warden/testing`. The API report (libs/auth/api/) locks each.

// The module and its options.
export { AuthModule, type AuthOptionsFactory } from './auth.module.js';
export type { AuthModuleExtras } from './auth.module-definition.js';
export { AUTH_OPTIONS } from './auth.constants.js';
export { AUTH_OPTIONS_OVERRIDE, AUTH_REVOCATION_STORE, type AuthOptionsOverride } from './auth-options.providers.js';
export type { AuthModuleOptions } from './config/auth-options.js';
export type { IssuerOptions, IssuerResolver, ResolvedIssuerAnswer } from './config/issuer-options.js';
export {
  auth0,
  clerk,
  cognito,
  keycloak,
  type Auth0PresetOptions,
  type ClerkPresetOptions,
  type CognitoPresetOptions,
  type KeycloakPresetOptions,
} from './presets/index.js';

// Guarding routes and reading who is calling.
export { AuthGuard } from './auth.guard.js';
export { AuthService, type AuthResult, type VerifyTokenOptions } from './auth.service.js';
export { Auth, OptionalAuth, RequireAuth, type AuthField, type AuthPredicate, type OptionalAuthOptions, type RequireAuthOptions } from './auth.decorators.js';
export { getAuth, type GetAuthOptions } from './get-auth.js';
export { rememberWsHandshake, withWsHandshake, type ConnectableWsAdapter } from './ws-handshake.js';
export type {} from './express-request.js';
export { CurrentUser } from './current-user/current-user.decorator.js';
export type { CurrentUserRegistry, LoadUser, LoadUserContext } from './config/current-user-options.js';

// The auth objects.
export type { AuthObject, AuthorizationCheck, GetTokenOptions, SignedInAuthObject, SignedOutAuthObject } from './auth-object/auth-object.js';
export type { AnyAuthObject, AuthObjectFor, SignedInAuthObjectFor } from './auth-object/auth-object-for.js';
export type { ApiKeyAuthObject, M2MAuthObject, MachineAuthObject, OAuthAuthObject, SignedOutMachineAuthObject } from './auth-object/machine-auth-object.js';
export type { AcceptsToken, TokenType } from './verification/token-class.js';

// Errors and events.
export { AuthError, AuthErrorReason } from './auth.errors.js';
export { AuthConfigError } from './config/auth-config-error.js';
export { AuthBootCheckError } from './boot-checks/auth-boot-check-error.js';
export type { AuthEventContext, AuthRefusalReason } from './config/event-options.js';

// Revocation.
export { AuthRevoker } from './auth-revoker.js';
export type { RevocationOption, RevocationStoreDeclaration } from './config/revocation-option.js';
export type { RevocableAuth, RevocationScope } from './revocation/auth-revocation.js';
export { memoryRevocationStore } from './revocation/memory-revocation-store.js';
export { redisRevocationStore } from './revocation/redis-revocation-store.js';
export type { RevocationStore, RevocationTarget } from './revocation/revocation-store.js';

// Sender-constrained and encrypted tokens (DPoP, mTLS, JWE).
export type { TokenBinding } from './auth-object/token-binding.js';
export { memoryReplayStore } from './revocation/memory-replay-store.js';
export { redisReplayStore } from './revocation/redis-replay-store.js';
export type { ReplayStore } from './revocation/replay-store.js';
