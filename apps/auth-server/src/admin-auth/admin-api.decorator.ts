import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from '#operability';
import { AdminAuditInterceptor } from '../audit/admin-audit.interceptor.js';
import { AdminAuthGuard, type AdminRequest } from './admin-auth.guard.js';

/** Marks a controller or route as part of the admin API: authenticated, `access_control` required, mutations audited. */
export function AdminApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(AdminAuthGuard), UseInterceptors(AdminAuditInterceptor), ApiBasicAuth(), ApiBearerAuth(), ApiProblems(401, 403, 429, 503));
}

/** The authenticated admin, for audit fields. */
export const CurrentAdmin = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AdminRequest>().adminPrincipal);
