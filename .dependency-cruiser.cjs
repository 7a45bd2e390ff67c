// The layering of DESIGN.md ("One request, one path"), checked by `npm run lint:deps`.
const LIB = '^libs/auth/src/';
const CORE = `${LIB}(verification|token|auth-object|issuers|revocation|policy)/`;
const CONFIG = `${LIB}config/`;
const CONFIG_VALIDATION = `${CONFIG}(resolve-|known-options|option-checks|key-material-checks|boot-warnings|closest-name)`;
const INTEGRATIONS = `${LIB}integrations/`;
const TESTING = `${LIB}testing/`;
// The Nest layer: the files at the root of the library (guard, module, service, decorators, ...).
const NEST_LAYER = `${LIB}(?!auth\\.errors\\.ts$|auth\\.constants\\.ts$)[^/]+$`;
// auth.errors.ts (the reasons, AuthError, the RFC 6750 challenge) and auth.constants.ts (keys and
// tokens, no imports) are framework-free, though they sit at the root.

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import circle anywhere in the library.', from: { path: LIB }, to: { circular: true } },
    {
      name: 'core-no-nest',
      severity: 'error',
      comment: 'The core is framework-free: no @nestjs/*, no optional peer (ioredis only by a dynamic import, when used).',
      from: { path: CORE },
      to: { path: '^(node_modules/)?(@nestjs|@opentelemetry|ioredis|standardwebhooks|graphql)', dependencyTypesNot: ['dynamic-import'] },
    },
    { name: 'core-no-nest-layer', severity: 'error', comment: 'The core imports nothing of the Nest layer.', from: { path: CORE }, to: { path: NEST_LAYER } },
    { name: 'core-no-integrations', severity: 'error', from: { path: CORE }, to: { path: INTEGRATIONS } },
    {
      name: 'core-no-config-validation',
      severity: 'error',
      comment: 'The core reads resolved config types only.',
      from: { path: CORE },
      to: { path: CONFIG_VALIDATION },
    },
    { name: 'config-no-nest-layer', severity: 'error', from: { path: CONFIG }, to: { path: NEST_LAYER } },
    { name: 'config-no-integrations', severity: 'error', from: { path: CONFIG }, to: { path: INTEGRATIONS } },
    {
      name: 'core-entry-framework-free',
      severity: 'error',
      comment: 'nestjs-warden/core re-exports the framework-free core only: no Nest layer, no integration.',
      from: { path: `${LIB}core/` },
      to: { path: [NEST_LAYER, INTEGRATIONS, '^(node_modules/)?@nestjs'] },
    },
    { name: 'nothing-imports-testing', severity: 'error', from: { path: LIB, pathNot: TESTING }, to: { path: TESTING } },
    { name: 'library-not-demo', severity: 'error', from: { path: LIB }, to: { path: '^src/' } },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$|\\.spec-support\\.ts$' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
