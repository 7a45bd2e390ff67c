export { BackchannelLogoutModule, type BackchannelLogoutAsyncOptions } from './backchannel-logout.module.js';
export { BackchannelLogout, LogoutEvent } from './backchannel-logout.decorators.js';
export { BackchannelLogoutGuard, logoutEventOf } from './backchannel-logout.guard.js';
export { type BackchannelLogoutOptions } from './logout-options.js';
export { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken, LogoutTokenError, type BackchannelLogoutEvent, type LogoutTokenRules } from './logout-token.js';
