import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import { ServiceUnavailableProblem } from '#errors';
import type { SchemaObject } from '@nestjs/swagger';

/**
 * Runs terminus checks; a failure becomes the apps' usual 503 problem document (terminus's own
 * exception would reach the global filter as an unknown 503 and be rendered as a 500).
 */
export async function readiness(health: HealthCheckService, checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
  try {
    return await health.check(checks);
  } catch (error) {
    if (error instanceof ServiceUnavailableException) throw new ServiceUnavailableProblem(failures(error.getResponse()));
    throw error;
  }
}

function failures(response: string | object): string {
  const failed = (response as Partial<HealthCheckResult>).error ?? {};
  const messages = Object.entries(failed).map(([key, detail]) => (typeof detail?.message === 'string' ? detail.message : `${key} is down`));
  return messages.length ? messages.join('; ') : 'not ready';
}

/** Terminus's answer when every check is up. */
export const HEALTH_CHECK_SCHEMA = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    info: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string' } } } },
    error: { type: 'object' },
    details: { type: 'object' },
  },
} as const satisfies SchemaObject;
