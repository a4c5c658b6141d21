import { Injectable, Logger } from '@nestjs/common';
import { NotFoundProblem } from '#errors';

/** The admin API's view of one target (what its GET route answers, never a secret or hash), or null if there is none. */
export type AuditTargetView = (targetId: string | null) => Promise<unknown>;

/**
 * How the audit trail sees an admin target before and after a change. Each admin module registers
 * the view its own GET route returns, so the trail shows what an admin would have seen and no
 * second copy of each entity's shape lives here.
 */
@Injectable()
export class AuditTargets {
  private readonly logger = new Logger(AuditTargets.name);
  private readonly views = new Map<string, AuditTargetView>();

  register(targetType: string, view: AuditTargetView): void {
    this.views.set(targetType, view);
  }

  /** undefined: nothing registered for this type; null: no such target (not yet, or no longer). */
  async view(targetType: string, targetId: string | null): Promise<unknown> {
    const view = this.views.get(targetType);
    if (!view) return undefined;
    try {
      return (await view(targetId)) ?? null;
    } catch (error) {
      // The change itself decides the answer; a view that cannot be read must not fail it.
      if (!(error instanceof NotFoundProblem)) this.logger.warn(`audit view of ${targetType} ${targetId ?? ''} failed: ${(error as Error).message}`);
      return null;
    }
  }
}
