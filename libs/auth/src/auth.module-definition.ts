import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthModuleOptions } from './config/auth-options.js';

/** Extras of `forRoot` / `forRootAsync` beside the options themselves. */
export interface AuthModuleExtras {
  /** Register `AuthGuard` as an app-wide guard (APP_GUARD). Default false. */
  global?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({
  moduleName: 'Auth',
  // Not the generated 'AUTH_MODULE_OPTIONS': an app's own "Auth" module would share that name.
  optionsInjectionToken: Symbol.for('nestjs-warden:module-options'),
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createAuthOptions')
  .setExtras<AuthModuleExtras>({ global: false }, (definition) => definition)
  .build();
