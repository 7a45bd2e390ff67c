import { describe, expect, it } from '@jest/globals';
import { Injectable, UseGuards, type CanActivate } from '@nestjs/common';
// A deep import on purpose, in a spec only: the library repeats this value instead of importing it.
import { GUARDS_METADATA as NEST_GUARDS_METADATA } from '@nestjs/common/constants.js';
import { AUTH_GUARD_MARKER } from '../auth.constants.js';
import { AuthGuard } from '../auth.guard.js';
import { GUARDS_METADATA, isAuthGuard } from './guard-coverage.js';

class TenantGuard extends AuthGuard {}

@Injectable()
class OtherGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

describe('guard coverage', () => {
  it('reads the same metadata key as Nest', () => {
    expect(GUARDS_METADATA).toBe(NEST_GUARDS_METADATA);
    @UseGuards(OtherGuard)
    class Decorated {}
    expect(Reflect.getMetadata(GUARDS_METADATA, Decorated)).toEqual([OtherGuard]);
  });

  it('recognises AuthGuard, its subclasses and their instances, and nothing else', () => {
    expect(isAuthGuard(AuthGuard)).toBe(true);
    expect(isAuthGuard(TenantGuard)).toBe(true);
    expect(isAuthGuard(Object.create(TenantGuard.prototype))).toBe(true);
    expect(isAuthGuard(OtherGuard)).toBe(false);
    expect(isAuthGuard(new OtherGuard())).toBe(false);
    expect(isAuthGuard(null)).toBe(false);
    expect(isAuthGuard(() => true)).toBe(false);
  });

  it('recognises a guard of another copy of the library by its mark', () => {
    class ForeignAuthGuard {}
    Object.defineProperty(ForeignAuthGuard.prototype, Symbol.for('nestjs-warden:auth-guard'), { value: true });
    expect(AUTH_GUARD_MARKER).toBe(Symbol.for('nestjs-warden:auth-guard'));
    expect(isAuthGuard(ForeignAuthGuard)).toBe(true);
  });
});
