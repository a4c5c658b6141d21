import type { FactoryProvider, Type } from '@nestjs/common';
import { AuditTargets, type AuditTargetView } from './audit-targets.js';

/**
 * A provider registering how the audit trail shows one target type, read through a service of the
 * admin module that lists it: `auditTargetView('scope', ScopesService, (scopes) => (name) => scopes.get(name ?? ''))`.
 * The view must be what that module's GET route answers (AuditTargets).
 */
export function auditTargetView<Service>(targetType: string, source: Type<Service>, view: (service: Service) => AuditTargetView): FactoryProvider<string> {
  return {
    provide: `audit view of ${targetType}`,
    inject: [AuditTargets, source],
    useFactory: (targets: AuditTargets, service: Service) => {
      targets.register(targetType, view(service));
      return targetType;
    },
  };
}
