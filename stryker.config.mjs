// @ts-check
/**
 * Mutation testing of the security core (docs/mutation-testing.md).
 *
 * `npm run test:mutation` runs every file below; `npm run test:mutation -- --mutate <file>[,<file>]`
 * runs a subset. Only the unit specs run (jest.config.json): the e2e suites need servers and
 * would make every mutant take seconds. Results are kept in reports/mutation/ (gitignored) and
 * reused by the next run (incremental), so a re-run after a small change only tests what changed.
 *
 * Equivalent mutants are marked one by one in the source with
 * `// Stryker disable next-line <mutator>: <reason>`, never by a pattern here.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.json',
    // The unit specs of the core folders (with verification/dpop/ and verification/mtls/), of
    // config/, policy/ and current-user/, of three integrations (Clerk webhooks, back-channel logout,
    // the throttler's caller key and guard; the guards' specs build them without a Nest app), and those at
    // the root of libs/auth/src: the guard, AuthService, the request context, the WebSocket handshake
    // and getAuth, built by hand (a hand-made ExecutionContext, options from resolveAuthOptions),
    // never in a Nest app or behind a server. A mutant run loads every spec file related to the
    // mutated file, so specs that start Nest apps (those of the other folders beside the guard) would
    // cost seconds per mutant; each mutated file's own specs pin it. The sequencer drops, per mutant,
    // the related spec files that hold none of its covering tests.
    config: {
      testRegex:
        'libs/auth/src/((auth-object|config|current-user|integrations/(backchannel-logout|clerk-webhooks|throttler)|issuers|policy|revocation|token|verification(/dpop|/mtls)?)/)?[^/]+\\.spec\\.ts$',
      testSequencer: '<rootDir>/scripts/mutation/test-file-sequencer.mjs',
    },
    // Only the specs that import a mutated file run, in the dry run and per mutant.
    enableFindRelatedTests: true,
  },
  // Jest runs the project's ESM through Node's VM modules.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'libs/auth/src/auth-object/auth-object.ts',
    'libs/auth/src/auth-object/authorization-grants.ts',
    'libs/auth/src/auth-object/claims.ts',
    'libs/auth/src/auth-object/machine-auth-object.ts',
    'libs/auth/src/auth-object/org-claims.ts',
    'libs/auth/src/auth-object/reverification.ts',
    'libs/auth/src/auth-object/scopes.ts',
    'libs/auth/src/auth-object/step-up.ts',
    'libs/auth/src/issuers/issuer-registry.ts',
    'libs/auth/src/issuers/issuer-selector.ts',
    'libs/auth/src/config/resolve-issuers.ts',
    'libs/auth/src/issuers/same-answer.ts',
    'libs/auth/src/issuers/unverified-issuer.ts',
    'libs/auth/src/revocation/memory-revocation-store.ts',
    'libs/auth/src/revocation/revocation-check.ts',
    'libs/auth/src/revocation/revocation-mirror.ts',
    'libs/auth/src/token/extract-token.ts',
    'libs/auth/src/verification/issuer-verifier.ts',
    'libs/auth/src/verification/jose-errors.ts',
    'libs/auth/src/verification/time-window.ts',
    'libs/auth/src/verification/token-class.ts',
    'libs/auth/src/verification/token-header.ts',
    'libs/auth/src/verification/token-verifier.ts',
    'libs/auth/src/verification/revocation-gate.ts',
    'libs/auth/src/verification/recheck-verification.ts',
    'libs/auth/src/verification/verified-token-cache.ts',
    'libs/auth/src/verification/verified-token.ts',
    'libs/auth/src/verification/verification.ts',
    'libs/auth/src/config/resolve-auth-options.ts',
    'libs/auth/src/config/resolve-issuer-config.ts',
    'libs/auth/src/config/option-checks.ts',
    'libs/auth/src/config/key-material-checks.ts',
    'libs/auth/src/config/known-options.ts',
    'libs/auth/src/config/check-keys.ts',
    'libs/auth/src/config/opaque-token-options.ts',
    'libs/auth/src/config/token-class-options.ts',
    'libs/auth/src/config/boot-checks-option.ts',
    'libs/auth/src/verification/remote-jwks.ts',
    'libs/auth/src/verification/jwks-document.ts',
    'libs/auth/src/verification/key-memo.ts',
    'libs/auth/src/verification/key-thumbprint.ts',
    'libs/auth/src/verification/oidc-discovery.ts',
    'libs/auth/src/verification/fetch-json.ts',
    'libs/auth/src/verification/algorithms.ts',
    'libs/auth/src/verification/admission-filter.ts',
    'libs/auth/src/verification/key-sources.ts',
    'libs/auth/src/verification/public-address.ts',
    'libs/auth/src/verification/public-request.ts',
    'libs/auth/src/verification/replaced-key-retry.ts',
    'libs/auth/src/verification/opaque-token-verifier.ts',
    'libs/auth/src/verification/opaque-token-cache.ts',
    'libs/auth/src/verification/opaque-token-source.ts',
    'libs/auth/src/verification/opaque-token-claims.ts',
    'libs/auth/src/verification/opaque-token-type.ts',
    'libs/auth/src/verification/introspection-client.ts',
    'libs/auth/src/token/cookie-origin.ts',
    'libs/auth/src/token/token-scheme.ts',
    'libs/auth/src/integrations/clerk-webhooks/webhook-signature.ts',
    'libs/auth/src/integrations/clerk-webhooks/clerk-webhook.guard.ts',
    'libs/auth/src/revocation/redis-revocation-store.ts',
    'libs/auth/src/revocation/redis-revoke-script.ts',
    'libs/auth/src/auth-object/has-authorization.ts',
    'libs/auth/src/auth-object/auth-result.ts',
    'libs/auth/src/policy/decide.ts',
    'libs/auth/src/policy/admit.ts',
    'libs/auth/src/policy/denials.ts',
    'libs/auth/src/policy/signed-in-denial.ts',
    'libs/auth/src/policy/challenges.ts',
    'libs/auth/src/policy/route-policy.ts',
    'libs/auth/src/auth.guard.ts',
    'libs/auth/src/auth.service.ts',
    'libs/auth/src/request-context.ts',
    'libs/auth/src/ws-handshake.ts',
    'libs/auth/src/get-auth.ts',
    'libs/auth/src/auth-object/token-binding.ts',
    'libs/auth/src/verification/sender-constraints.ts',
    'libs/auth/src/token/clerk-cookies.ts',
    'libs/auth/src/revocation/memory-replay-store.ts',
    'libs/auth/src/issuers/lookup-budget.ts',
    'libs/auth/src/revocation/redis-replay-store.ts',
    'libs/auth/src/verification/dpop/dpop-proof.ts',
    'libs/auth/src/verification/dpop/htu.ts',
    'libs/auth/src/verification/dpop/proof-keys.ts',
    'libs/auth/src/verification/dpop/dpop-nonces.ts',
    'libs/auth/src/verification/mtls/client-certificate.ts',
    'libs/auth/src/verification/token-decryption.ts',
    'libs/auth/src/integrations/throttler/caller.ts',
    'libs/auth/src/integrations/backchannel-logout/logout-token.ts',
    'libs/auth/src/integrations/backchannel-logout/backchannel-logout.guard.ts',
    'libs/auth/src/revocation/revocation-store.ts',
    'libs/auth/src/revocation/redis-client.ts',
    'libs/auth/src/auth-revoker.ts',
    'libs/auth/src/policy/non-empty-strings.ts',
    'libs/auth/src/verification/deep-freeze.ts',
    'libs/auth/src/auth.errors.ts',
    'libs/auth/src/auth.exceptions.ts',
    'libs/auth/src/transport-exceptions.ts',
    'libs/auth/src/integrations/throttler/auth-throttler.guard.ts',
    'libs/auth/src/current-user/current-user.pipe.ts',
    'libs/auth/src/config/decryption-options.ts',
    'libs/auth/src/config/sender-constraint-options.ts',
    'libs/auth/src/config/revocation-option.ts',
    'libs/auth/src/config/closest-name.ts',
  ],
  // The sandbox needs the sources, the unit specs and the configs, not the docs, the bench or the e2e suites (test/).
  ignorePatterns: ['/bench', '/docs', '/test', '/reports', '/coverage', '/dist', '/.nestjs-warden'],
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportScoreTable: true },
  // A 2-core machine shared with other work: one test runner; raise it with --concurrency.
  concurrency: 1,
  timeoutMS: 10000,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};

export default config;
