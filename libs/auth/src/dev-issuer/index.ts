/**
 * `nestjs-warden/dev-issuer`: the development issuer behind the `nestjs-warden dev-issuer` and
 * `nestjs-warden token` commands, for apps and tests that embed one. Kept out of the main entry
 * point: the runtime never loads it.
 */
export {
  DevIssuer,
  DevTokenRequestError,
  MAX_DEV_TOKEN_LIFETIME_SECONDS,
  type DevIssuerOptions,
  type DevTokenRequest,
  type DevTokenType,
} from './dev-issuer.js';
export { checkIssuerPublishes, type IssuerKeyCheck } from './issuer-key-check.js';
export { DEFAULT_DEV_ISSUER_KEY_FILE, DevIssuerKeyError, loadOrCreateDevIssuerKey, type DevIssuerKey } from './dev-issuer-key.js';
export { devRequestRefusal, type DevRequestHeaders, type DevRequestRefusal } from './dev-request-check.js';
export { startDevIssuerServer, type DevIssuerServerOptions, type RunningDevIssuer } from './dev-issuer-server.js';
export { runCli, CLI_USAGE, type CliIo, type CliResult } from './cli-commands.js';
