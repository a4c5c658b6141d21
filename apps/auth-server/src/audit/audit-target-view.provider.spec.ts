import { describe, expect, it } from '@jest/globals';
import { auditTargetView } from './audit-target-view.provider.js';
import { AuditTargets } from './audit-targets.js';

class ScopesLike {
  get(name: string): Promise<{ name: string }> {
    return Promise.resolve({ name });
  }
}

describe(auditTargetView.name, () => {
  it('registers the view, read through the given service, when Nest builds the provider', async () => {
    const provider = auditTargetView('scope', ScopesLike, (scopes) => (name) => scopes.get(name ?? ''));
    const targets = new AuditTargets();
    expect(provider.inject).toEqual([AuditTargets, ScopesLike]);

    await provider.useFactory(targets, new ScopesLike());

    expect(await targets.view('scope', 'read')).toEqual({ name: 'read' });
    expect(await targets.view('client', 'x')).toBeUndefined();
  });
});
