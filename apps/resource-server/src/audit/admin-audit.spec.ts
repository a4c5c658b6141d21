import { describe, expect, it } from '@jest/globals';
import { ConflictProblem } from '#errors';
import { runWithRequestContext } from '#observability';
import type { NewAuditRow } from './admin-audit-event.js';
import type { AdminAuditRepository } from './admin-audit.repository.js';
import { AdminAudit, type AdminChange } from './admin-audit.js';

const CHANGE: AdminChange = {
  action: 'route.created',
  targetType: 'route',
  targetId: 'r-1',
  method: 'POST',
  route: '/admin/v1/routes',
  status: 201,
  change: { upstream: 'x', clientSecret: 's' },
};
const ADMIN = { sub: 'alice', clientId: 'console' };

function auditWith(insert: (row: NewAuditRow, tx?: unknown) => Promise<void>): AdminAudit {
  return new AdminAudit({ insert } as unknown as AdminAuditRepository);
}

describe(AdminAudit.name, () => {
  it("writes the change's row through the transaction it is given, with who, the request and the sides", async () => {
    const rows: { row: NewAuditRow; tx: unknown }[] = [];
    const audit = auditWith(async (row, tx) => void rows.push({ row, tx }));
    const tx = { transaction: 1 };
    const answer = await runWithRequestContext({ requestId: 'req-1', ip: '10.0.0.1' }, () =>
      audit.audited(CHANGE, ADMIN, async (record) => {
        await record({ before: null, after: { id: 'r-1' } }, tx as never);
        return 'created';
      }),
    );
    expect(answer).toBe('created');
    expect(rows).toEqual([
      {
        tx,
        row: {
          actor: 'alice',
          actorType: 'user',
          clientId: 'console',
          action: 'route.created',
          targetType: 'route',
          targetId: 'r-1',
          details: {
            method: 'POST',
            route: '/admin/v1/routes',
            status: 201,
            outcome: 'succeeded',
            change: { upstream: 'x', clientSecret: '[redacted]' },
            before: null,
            after: { id: 'r-1' },
          },
          ip: '10.0.0.1',
          requestId: 'req-1',
        },
      },
    ]);
  });

  it('records a refusal with the status it is answered with, on its own, and rethrows it', async () => {
    const rows: { row: NewAuditRow; tx: unknown }[] = [];
    const audit = auditWith(async (row, tx) => void rows.push({ row, tx }));
    const refusal = new ConflictProblem('overlaps routes[0]');
    await expect(audit.audited(CHANGE, { sub: 'tool', clientId: 'tool' }, () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(rows).toHaveLength(1);
    expect(rows[0].tx).toBeUndefined();
    expect(rows[0].row).toMatchObject({ actorType: 'client', details: { status: 409, outcome: 'refused' } });
    expect(rows[0].row.details).not.toHaveProperty('after');

    await expect(audit.audited(CHANGE, ADMIN, () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    expect(rows[1].row).toMatchObject({ details: { status: 500, outcome: 'refused' } });
  });

  it('answers with the refusal, not with a failure to write its row', async () => {
    const audit = auditWith(() => Promise.reject(new Error('database away')));
    const refusal = new ConflictProblem('file route');
    await expect(audit.audited(CHANGE, ADMIN, () => Promise.reject(refusal))).rejects.toBe(refusal);
  });
});
