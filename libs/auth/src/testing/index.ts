export {
  createTestIssuer,
  serveJwks,
  type ServedJwks,
  type ServedTestIssuer,
  type SignOptions,
  type TestIssuer,
  type TestIssuerAlgorithm,
  type TestIssuerOptions,
} from './test-issuer.js';
export { clerkSessionClaims, type ClerkSessionInput } from './clerk-claims.js';
export {
  TEST_TOKEN_HEADER,
  clerkM2MClaims,
  clerkOAuthClaims,
  tokenHeaderOf,
  withTokenHeader,
  type ClaimsWithHeader,
  type ClerkM2MInput,
  type ClerkOAuthInput,
} from './machine-claims.js';
export { createTestAuth, type TestAuth, type TestAuthOptions, type TestClaims } from './test-auth.js';
export {
  certificateCnf,
  createDpopKey,
  createTestDecryptionKey,
  encryptToken,
  type DpopProofInput,
  type TestDecryptionAlgorithm,
  type TestDecryptionKey,
  type TestDpopAlgorithm,
  type TestDpopKey,
} from './sender-constraints.js';
export { createAuthObject, type TestApiKeyInput, type TestM2MInput, type TestOAuthInput, type TestSessionInput } from './create-auth-object.js';
