import type { AuthObject } from './auth-object/auth-object.js';
import type {} from 'express-serve-static-core';

// Lets Express users read `req.auth` without a cast once the guard has run.
declare module 'express-serve-static-core' {
  interface Request {
    /** Set by nestjs-warden's AuthGuard; see also `getAuth(req)`. */
    auth?: AuthObject;
  }
}

export {};
