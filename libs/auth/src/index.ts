export { AuthModule, type AuthOptionsFactory } from './auth.module.js';
export { AUTH_MODULE_OPTIONS, type AuthModuleExtras } from './auth.module-definition.js';
export { AUTH_OPTIONS_OVERRIDE, AUTH_REVOCATION_STORE, type AuthOptionsOverride } from './auth-options.providers.js';
export { AuthRevoker } from './auth-revoker.js';
export { revocationStoreOf, type RevocationOption, type RevocationStoreDeclaration } from './config/revocation-option.js';
export { revocationRequestOf, revokeIn, type RevocableAuth, type RevocationRequest, type RevocationScope } from './revocation/auth-revocation.js';
export { type AuthModuleOptions, type AuthPolicyMode, type ClaimsCheck, type TokenSource } from './config/auth-options.js';
export { AUTH_DEFAULTS } from './config/auth-defaults.js';
export { AuthConfigError } from './config/auth-config-error.js';
export { resolveAuthOptions } from './config/resolve-auth-options.js';
export type { IssuerConfig, ResolvedAuthOptions } from './config/resolved-options.js';
export type { IssuerOptions, IssuerResolver, ResolvedIssuerAnswer, SeveralIssuersOptions } from './config/issuer-options.js';
export type { ResolvedIssuers } from './config/resolved-options.js';
export { AuthGuard } from './auth.guard.js';
export { AuthBootCheckError } from './boot-checks/auth-boot-check-error.js';
export type { BootCheckMode, BootChecksOptions } from './config/boot-checks-option.js';
export { AuthService, type AuthResult, type VerifyTokenOptions } from './auth.service.js';
export {
  Auth,
  OptionalAuth,
  RequireAuth,
  type AuthField,
  type AuthPolicy,
  type AuthPredicate,
  type OptionalAuthOptions,
  type RequireAuthOptions,
} from './auth.decorators.js';
export {
  type AuthObject,
  type AuthorizationCheck,
  type GetTokenOptions,
  type SignedInAuthObject,
  type SignedOutAuthObject,
  type TokenTemplateProvider,
} from './auth-object/auth-object.js';
export type { ActorClaim, SessionFields } from './auth-object/claims.js';
export type { AuthDebugInfo } from './auth-object/auth-debug.js';
export type { StepUpRequirement } from './auth-object/step-up.js';
export {
  REVERIFICATION_PRESETS,
  reverificationErrorBody,
  reverificationRequirement,
  type ReverificationConfig,
  type ReverificationErrorBody,
  type ReverificationLevel,
  type ReverificationPreset,
  type ReverificationRequirement,
} from './auth-object/reverification.js';
export type {
  ApiKeyAuthObject,
  M2MAuthObject,
  MachineAuthObject,
  OAuthAuthObject,
  SignedOutMachineAuthObject,
} from './auth-object/machine-auth-object.js';
export type { AcceptedClasses, AnyAuthObject, AuthObjectFor, SignedInAuthObjectFor } from './auth-object/auth-object-for.js';
export { readScopes } from './auth-object/scopes.js';
export {
  CLERK_TOKEN_CATEGORIES,
  TOKEN_TYPES,
  clerkTokenClass,
  defaultTokenClass,
  isTokenTypeAccepted,
  type AcceptsToken,
  type MachineTokenType,
  type TokenClassifier,
  type TokenType,
} from './verification/token-class.js';
export { scopeList, stringList, type AuthorizationGrants, type AuthorizationMapper } from './auth-object/authorization-grants.js';
export {
  auth0,
  clerk,
  cognito,
  frontendApiFromPublishableKey,
  keycloak,
  type Auth0PresetOptions,
  type ClerkPresetOptions,
  type CognitoPresetOptions,
  type KeycloakPresetOptions,
  type PresetPassthroughOptions,
} from './presets/index.js';
export { getAuth, type GetAuthOptions } from './get-auth.js';
export { AuthError, AuthErrorReason, bearerChallenge, type BearerChallenge } from './auth.errors.js';
export { AUTH_OPTIONS, AUTH_POLICY_METADATA } from './auth.constants.js';
export { extractToken, type ExtractedToken, type RequestHeaders } from './token/extract-token.js';
export { TokenVerifier, type Clock, type VerifiedToken } from './verification/token-verifier.js';
export type { KeySource } from './verification/key-sources.js';
export {
  OPAQUE_TOKEN_DEFAULTS,
  type IntrospectionOptions,
  type OpaqueTokensOptions,
  type VerifyOpaqueToken,
} from './config/opaque-token-options.js';
export { opaqueTokenType, type OpaqueTokenType } from './verification/opaque-token-type.js';
export { IntrospectionClient, type IntrospectionClientOptions, type IntrospectionEndpoint } from './verification/introspection-client.js';
export type {} from './express-request.js';
export { withWsHandshake, rememberWsHandshake, type ConnectableWsAdapter } from './ws-handshake.js';
export { GRAPHQL_ERROR_CODES, type AuthDenialPayload } from './transport-exceptions.js';
export { memoryRevocationStore, type MemoryRevocationStoreOptions } from './revocation/memory-revocation-store.js';
export { RevocationUnavailableError, type RevocationStore, type RevocationTarget } from './revocation/revocation-store.js';
export type { RevocationHook } from './revocation/revocation-check.js';
export { redisRevocationStore, type RedisRevocationStoreOptions } from './revocation/redis-revocation-store.js';
export type { RedisLikeClient } from './revocation/redis-client.js';
export {
  ClerkEvent,
  ClerkWebhook,
  ClerkWebhookGuard,
  ClerkWebhooksModule,
  clerkEventOf,
  revocationTargetOf,
  type ClerkDeletedObjectData,
  type ClerkSessionData,
  type ClerkSessionEndingType,
  type ClerkWebhookEvent,
  type ClerkWebhookEventOf,
  type ClerkWebhooksAsyncOptions,
  type ClerkWebhooksOptions,
} from './integrations/clerk-webhooks/index.js';
export type { AuthEventContext, AuthEventOptions, AuthRefusalReason } from './auth-events.js';
export {
  AUTH_METRIC_NAMES,
  type AuthMetricsOptions,
  type AuthOutcomeResult,
  type MetricAttributes,
  type MetricsMeter,
} from './integrations/metrics/auth-metrics.js';
export {
  applyAuthToOpenApi,
  type ApplyAuthToOpenApiOptions,
  type OpenApiDocumentLike,
} from './integrations/openapi/apply-auth-to-openapi.js';
