import { applyDecorators, createParamDecorator, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { AuthenticatedAccess } from './access-token.js';
import { BearerTokenGuard, type AuthenticatedRequest } from './bearer-token.guard.js';
import { REQUIRED_SCOPES } from './required-scopes.js';

/** Protects a route or controller with a bearer token carrying every scope named (none: any valid token). */
export function RequireScopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), UseGuards(BearerTokenGuard), ApiBearerAuth());
}

/** The validated token of the current request. */
export const CurrentAccess = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedAccess => {
  const access = context.switchToHttp().getRequest<AuthenticatedRequest>().access;
  if (!access) throw new Error('CurrentAccess used on a route without @RequireScopes');
  return access;
});
