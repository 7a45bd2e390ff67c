// `nestjs-warden/core`: the framework-free verifier and the plumbing behind the main entry: what a
// WebSocket handshake, a queue worker or a custom guard builds on. Imports nothing of NestJS.

// Configuration, resolved.
export { resolveAuthOptions } from '../config/resolve-auth-options.js';
export { AUTH_DEFAULTS } from '../config/auth-defaults.js';
export type { IssuerConfig, ResolvedAuthOptions, ResolvedIssuers } from '../config/resolved-options.js';
export type { AuthPolicyMode, TokenSource } from '../config/auth-options.js';
export type { ClaimsCheck, SeveralIssuersOptions } from '../config/issuer-options.js';
export type { BootCheckMode, BootChecksOptions } from '../config/boot-checks-option.js';
export type { AuthEventOptions, AuthMetricsOptions, MetricAttributes, MetricsMeter } from '../config/event-options.js';
export { OPAQUE_TOKEN_DEFAULTS, type IntrospectionOptions, type OpaqueTokensOptions, type VerifyOpaqueToken } from '../config/opaque-token-options.js';
export { AUTH_POLICY_METADATA } from '../auth.constants.js';

// The request path, framework-free: the token, its verification, the decision.
export { extractToken, type ExtractedToken, type RequestHeaders } from '../token/extract-token.js';
export { TokenVerifier, type Clock, type TokenVerifierHooks, type VerifiedToken } from '../verification/token-verifier.js';
export { signedOutVerification, verifiedVerification, type TokenOrigin, type Verification } from '../verification/verification.js';
export type { KeySource } from '../verification/key-sources.js';
export { IntrospectionClient, type IntrospectionClientOptions, type IntrospectionEndpoint } from '../verification/introspection-client.js';
export { opaqueTokenType, type OpaqueTokenType } from '../verification/opaque-token-type.js';
export { decide, type DecisionSettings, type Outcome } from '../policy/decide.js';
export { admit, type Admission } from '../policy/admit.js';
export type { AuthPolicy } from '../policy/route-policy.js';
export { GRAPHQL_ERROR_CODES, type AuthDenial, type AuthDenialPayload } from '../policy/denials.js';

// Token classes, claims, grants and step-up.
export {
  CLERK_TOKEN_CATEGORIES,
  TOKEN_TYPES,
  clerkTokenClass,
  defaultTokenClass,
  isTokenTypeAccepted,
  type MachineTokenType,
  type TokenClassifier,
} from '../verification/token-class.js';
export type { AcceptedClasses } from '../auth-object/auth-object-for.js';
export { readScopes } from '../auth-object/scopes.js';
export { scopeList, stringList, type AuthorizationGrants, type AuthorizationMapper } from '../auth-object/authorization-grants.js';
export type { ActorClaim, SessionFields } from '../auth-object/claims.js';
export type { AuthDebugInfo } from '../auth-object/auth-debug.js';
export type { TokenTemplateProvider } from '../auth-object/auth-object.js';
export type { StepUpRequirement } from '../auth-object/step-up.js';
export {
  REVERIFICATION_PRESETS,
  reverificationErrorBody,
  reverificationRequirement,
  type ReverificationConfig,
  type ReverificationErrorBody,
  type ReverificationLevel,
  type ReverificationPreset,
  type ReverificationRequirement,
} from '../auth-object/reverification.js';
export { bearerChallenge, type BearerChallenge } from '../auth.errors.js';
export { frontendApiFromPublishableKey, type PresetPassthroughOptions } from '../presets/index.js';

// Revocation plumbing.
export { revocationStoreOf } from '../config/revocation-option.js';
export { revocationRequestOf, revokeIn, type RevocationRequest } from '../revocation/auth-revocation.js';
export { RevocationUnavailableError } from '../revocation/revocation-store.js';
export type { RevocationHook } from '../revocation/revocation-check.js';
export type { MemoryRevocationStoreOptions } from '../revocation/memory-revocation-store.js';
export type { RedisRevocationStoreOptions } from '../revocation/redis-revocation-store.js';
export type { RedisLikeClient } from '../revocation/redis-client.js';

// Sender-constrained and encrypted tokens: the checks behind the `dpop`, `mtls` and `decryption` options.
export type { SenderConstraintMode, DpopProofOptions, ClientCertificateOptions } from '../config/sender-constraint-options.js';
export type { DecryptionOptions } from '../config/decryption-options.js';
export type { MemoryReplayStoreOptions } from '../revocation/memory-replay-store.js';
export type { RedisReplayStoreOptions, RedisSetClient } from '../revocation/redis-replay-store.js';
export { ReplayStoreUnavailableError } from '../revocation/replay-store.js';
export { DPOP_ALGORITHMS, verifyDpopProof, type DpopProofRules, type DpopRequest, type VerifiedDpopProof } from '../verification/dpop/dpop-proof.js';
export { DpopNonces, UseDpopNonceError, type DpopNonceSettings } from '../verification/dpop/dpop-nonces.js';
export { accessTokenHash, normalisedHtu } from '../verification/dpop/htu.js';
export { certificateFromHeader, certificateThumbprint } from '../verification/mtls/client-certificate.js';
export { SenderConstraints, type PresentedToken } from '../verification/sender-constraints.js';
export { TokenDecrypter } from '../verification/token-decryption.js';
export type { TokenScheme } from '../verification/verification.js';

// The user behind the token, Clerk's cookie rules, revocation listeners.
export type { CurrentUserOptions, UserCacheOptions } from '../config/current-user-options.js';
export type { ClerkCookiesOptions } from '../config/issuer-options.js';
export type { RevocationListener, RevokedEntry } from '../revocation/revocation-store.js';
