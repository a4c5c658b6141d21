import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { AdminAuthGuard, type AdminRequest } from './admin-auth.guard.js';

/** Marks a controller or route as part of the admin API: authenticated, `access_control` required. */
export function AdminApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(AdminAuthGuard));
}

/** The authenticated admin, for audit fields. */
export const CurrentAdmin = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AdminRequest>().adminPrincipal);
