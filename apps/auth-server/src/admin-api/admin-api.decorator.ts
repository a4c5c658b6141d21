import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiBasicAuth, ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from '#operability';
import type { AdminRequest } from './admin-principal.js';

const ADMIN_API = 'portcullis:admin-api';

/**
 * Marks a controller or route as part of the admin API: authenticated, `access_control` required,
 * mutations audited. Only a mark: AdminAuthModule installs the guard (admin-auth) and the audit
 * interceptor (audit) once for the whole app and they act on marked routes, so an admin controller
 * depends on this folder only, not on the users and audit modules behind the guard.
 */
export function AdminApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(ADMIN_API, true), ApiBasicAuth(), ApiBearerAuth(), ApiProblems(401, 403, 429, 503));
}

/** Whether the route being handled is marked @AdminApi() (on its method or its controller). */
export function isAdminApi(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean | undefined>(ADMIN_API, [context.getHandler(), context.getClass()]) === true;
}

/** The authenticated admin, for audit fields. */
export const CurrentAdmin = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AdminRequest>().adminPrincipal);
