import { applyDecorators, createParamDecorator, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { AuthenticatedAccess } from './access-token.js';
import { BearerTokenGuard, type AuthenticatedRequest } from './bearer-token.guard.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from './required-scopes.js';

/** Protects a route or controller with a bearer token carrying every scope named (none: any valid token). */
export function RequireScopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), UseGuards(BearerTokenGuard), ApiBearerAuth());
}

/**
 * A route (or every route of a controller) that needs no token, where the guard protects every
 * route (ResourceGuardModule's default). A handler's @RequireScopes overrides its controller's @Public().
 */
export function Public(): ClassDecorator & MethodDecorator {
  return SetMetadata(PUBLIC_ROUTE, true);
}

/** The validated token of the current request: subject, client id, scopes (effectiveScopes: still granted), token id. */
export const CurrentAccess = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedAccess => {
  const access = context.switchToHttp().getRequest<AuthenticatedRequest>().access;
  if (!access) throw new Error('CurrentAccess used on a route the bearer guard does not protect');
  return access;
});
