import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { concatMap, from, type Observable, switchMap, tap } from 'rxjs';
import { requestContextOf } from '#observability';
import { isAdminApi } from '../admin-api/admin-api.decorator.js';
import { auditChangeOf } from '../admin-api/audit-change.decorator.js';
import type { AdminRequest } from '../admin-api/admin-principal.js';
import { adminAuditRoute, createdTargetId, type AdminAuditRoute } from './admin-audit-routes.js';
import { AuditTargets } from './audit-targets.js';
import { AuditWriter } from './audit-writer.js';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** @HttpCode()'s metadata key: the reply's status is set only after interceptors have run. */
const HTTP_CODE_METADATA = '__httpCode__';

/**
 * Part of @AdminApi(), installed app-wide by AdminAuthModule (APP_INTERCEPTOR) and acting on marked
 * routes only: runs after the admin guard, so the principal is known. Every admin mutation
 * leaves one row, successful or not: who, the route, its target, the request body as "change", and
 * "before"/"after": the target's admin view read just before and just after the change (routes
 * marked withViews; null when it did not or no longer exists), else the response as "after".
 * AuditWriter redacts all of it; a secret shown once never lands here. The two reads sit outside
 * the change's transaction: an admin change racing another on the same target may show the other's
 * result as its "before" — the trail stays in order, and the cost stays one read per side.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditWriter,
    private readonly targets: AuditTargets,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isAdminApi(this.reflector, context)) return next.handle();
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const principal = request.adminPrincipal;
    if (principal) requestContextOf(request).actor = { type: 'user', id: principal.username };
    if (!MUTATIONS.has(request.method) || !principal) return next.handle();

    const routeUrl = request.routeOptions.url ?? request.url.split('?')[0];
    const route = adminAuditRoute(request.method, routeUrl);
    const successStatus = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200);
    const params = (request.params ?? {}) as Record<string, string>;
    const paramTargetId = route.targetParam ? (params[route.targetParam] ?? null) : null;
    // Taken now, before the pipes: a request they refuse must not leave its whole body in the trail.
    const outline = auditChangeOf(this.reflector, context);
    const change = outline ? outline(request.body, (request.query ?? {}) as Record<string, unknown>) : undefined;
    const record = (status: number, sides: { before?: unknown; after?: unknown }) =>
      this.audit.record({
        action: route.action,
        actor: { type: 'user', id: principal.username },
        targetType: route.targetType,
        targetId: route.targetParam ? paramTargetId : createdTargetId(sides.after, route.createdIdField),
        details: { method: request.method, route: routeUrl, status, change: (outline ? change : request.body) ?? null, ...defined(sides) },
      });
    return from(this.viewOf(route, paramTargetId)).pipe(
      switchMap((before) =>
        next.handle().pipe(
          concatMap(async (body: unknown) => {
            const after = route.withViews ? await this.viewOf(route, paramTargetId) : (body ?? undefined);
            record(successStatus, { before, after });
            return body;
          }),
          tap({ error: (error: unknown) => record(statusOf(error), { before }) }),
        ),
      ),
    );
  }

  private viewOf(route: AdminAuditRoute, targetId: string | null): Promise<unknown> {
    return route.withViews ? this.targets.view(route.targetType, targetId) : Promise.resolve(undefined);
  }
}

function statusOf(error: unknown): number {
  return error instanceof HttpException ? error.getStatus() : ((error as { status?: number }).status ?? 500);
}

/** Leaves out the sides that were not captured, so that "after": null keeps meaning "gone". */
function defined(sides: { before?: unknown; after?: unknown }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(sides).filter(([, value]) => value !== undefined));
}
