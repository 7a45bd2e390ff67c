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
export { createTestAuth, type TestAuth, type TestAuthOptions, type TestClaims } from './test-auth.js';
