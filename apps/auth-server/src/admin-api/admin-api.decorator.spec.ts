import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AdminApi, isAdminApi } from './admin-api.decorator.js';

@AdminApi()
class MarkedController {
  list(): void {}
}

class OAuthController {
  token(): void {}
  @AdminApi() adminOnly(): void {}
}

const contextOf = (controller: Function, handler: Function) => ({ getClass: () => controller, getHandler: () => handler }) as unknown as ExecutionContext;

describe('isAdminApi: what the app-wide admin guard and audit interceptor act on', () => {
  const reflector = new Reflector();

  it('is true on every route of a controller marked @AdminApi()', () => {
    expect(isAdminApi(reflector, contextOf(MarkedController, MarkedController.prototype.list))).toBe(true);
  });

  it('is false on an unmarked route, so OAuth endpoints pass through untouched', () => {
    expect(isAdminApi(reflector, contextOf(OAuthController, OAuthController.prototype.token))).toBe(false);
  });

  it('is true on a single marked route', () => {
    expect(isAdminApi(reflector, contextOf(OAuthController, OAuthController.prototype.adminOnly))).toBe(true);
  });
});
