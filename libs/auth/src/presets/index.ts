export { auth0, type Auth0PresetOptions } from './auth0.preset.js';
export { clerk, frontendApiFromPublishableKey, type ClerkPresetOptions } from './clerk.preset.js';
export { cognito, type CognitoPresetOptions } from './cognito.preset.js';
export { keycloak, type KeycloakPresetOptions } from './keycloak.preset.js';
export type { PresetPassthroughOptions } from './preset-url.js';
