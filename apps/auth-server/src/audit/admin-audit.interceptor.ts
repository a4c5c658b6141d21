import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { currentRequestContext } from '../../../../libs/observability/src/index.js';
import type { AdminRequest } from '../admin-auth/admin-auth.guard.js';
import { adminAuditRoute, createdTargetId } from './admin-audit-routes.js';
import { AuditWriter } from './audit-writer.js';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** @HttpCode()'s metadata key: the reply's status is set only after interceptors have run. */
const HTTP_CODE_METADATA = '__httpCode__';

/**
 * Part of @AdminApi(): runs after the admin guard, so the principal is known. Every admin mutation
 * leaves one row, successful or not: who, the route, its target, the request body as "change" and
 * the response as "after" (both redacted by AuditWriter; a secret shown once never lands here).
 * "before" is not captured: it would cost a read per change, and the previous row's "after" has it.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditWriter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const principal = request.adminPrincipal;
    const requestContext = currentRequestContext();
    if (principal && requestContext) requestContext.actor = { type: 'user', id: principal.username };
    if (!MUTATIONS.has(request.method) || !principal) return next.handle();

    const routeUrl = request.routeOptions.url ?? request.url.split('?')[0];
    const route = adminAuditRoute(request.method, routeUrl);
    const successStatus = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200);
    const params = (request.params ?? {}) as Record<string, string>;
    const record = (status: number, after: unknown) =>
      this.audit.record({
        action: route.action,
        actor: { type: 'user', id: principal.username },
        targetType: route.targetType,
        targetId: route.targetParam ? (params[route.targetParam] ?? null) : createdTargetId(after),
        details: { method: request.method, route: routeUrl, status, change: request.body ?? null, ...(after === undefined ? {} : { after }) },
      });
    return next.handle().pipe(
      tap({
        next: (body) => record(successStatus, body ?? undefined),
        error: (error: unknown) => record(error instanceof HttpException ? error.getStatus() : ((error as { status?: number }).status ?? 500), undefined),
      }),
    );
  }
}
