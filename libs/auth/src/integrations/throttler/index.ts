export { AuthThrottlerGuard, authTracker } from './auth-throttler.guard.js';
export { callerOf, trackerOf, type TrackerOptions } from './caller.js';
