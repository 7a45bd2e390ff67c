export { createTestIssuer, serveJwks, type ServedJwks, type SignOptions, type TestIssuer, type TestIssuerAlgorithm, type TestIssuerOptions } from './test-issuer.js';
export { clerkSessionClaims, type ClerkSessionInput } from './clerk-claims.js';
