import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditChangeAs, auditChangeOf } from './audit-change.decorator.js';

class UploadController {
  @AuditChangeAs((body, query) => ({ keys: Object.keys(body as object), dryRun: query.dryRun })) upload(): void {}
  plain(): void {}
}

const contextOf = (handler: Function) => ({ getClass: () => UploadController, getHandler: () => handler }) as unknown as ExecutionContext;

describe('auditChangeOf: what the admin audit interceptor records instead of the body', () => {
  const reflector = new Reflector();

  it("is the route's own outline of body and query", () => {
    expect(auditChangeOf(reflector, contextOf(UploadController.prototype.upload))?.({ secret: 's' }, { dryRun: 'maybe' })).toEqual({ keys: ['secret'], dryRun: 'maybe' });
  });

  it('is undefined on a route without one, which keeps the body', () => {
    expect(auditChangeOf(reflector, contextOf(UploadController.prototype.plain))).toBeUndefined();
  });
});
