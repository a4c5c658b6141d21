import { resolve } from 'node:path';
import type { RawEnv } from '#config';

/** The launcher's own view of the environment; each app validates its own variables. */
export interface LauncherEnv {
  raw: RawEnv;
  DATA_DIR: string;
  DATABASE_URL?: string;
  RESOURCE_DATABASE_URL?: string;
  /** Set: the auth server's AUTH_WORKERS, which the launcher's one process cannot honour above 1. */
  AUTH_WORKERS?: string;
  /** Likewise the resource server's RESOURCE_WORKERS. */
  RESOURCE_WORKERS?: string;
}

export function readLauncherEnv(env: RawEnv = process.env): LauncherEnv {
  return {
    raw: env,
    DATA_DIR: resolve(env.DATA_DIR || '.data'),
    DATABASE_URL: env.DATABASE_URL || undefined,
    RESOURCE_DATABASE_URL: env.RESOURCE_DATABASE_URL || undefined,
    AUTH_WORKERS: env.AUTH_WORKERS || undefined,
    RESOURCE_WORKERS: env.RESOURCE_WORKERS || undefined,
  };
}
