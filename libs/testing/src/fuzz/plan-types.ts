import type { FuzzRoute } from './routes.js';

/**
 * A request described symbolically, so that fast-check can print and replay it: real ids and
 * credentials are picked by index when the case runs, against what exists at that moment.
 */
export interface RequestPlan {
  route: string;
  method?: string;
  params: ParamPlan[];
  suffix: string;
  query: [string, string, boolean][];
  credential: CredentialPlan;
  headers: [string, string][];
  body: BodyPlan;
  contentType: string | null | 'matching';
}

export type ParamPlan = { real: number } | { text: string; raw: boolean };
export type CredentialPlan = { use: string } | { garbage: [string, string][] } | { none: true };
export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'rawForm'; text: string }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'form'; pairs: [string, string][]; withClientCredentials: boolean };

/** A credential the spec provides (valid ones, so that requests get past authentication). */
export interface Credential {
  weight: number;
  /** Only for routes under these prefixes; everywhere when absent. */
  prefixes?: string[];
  headers(): [string, string][] | Promise<[string, string][]>;
  /** Fields merged into form bodies when the plan asks for them (client_secret_post, a CSRF token). */
  form?: Record<string, string> | (() => Record<string, string>);
}

export interface FuzzContext {
  port: number;
  credentials: Record<string, Credential>;
  /** Real values for a path parameter of a route (empty: random ones only). */
  pool(route: FuzzRoute, param: string): string[];
  /** Real values for form or query fields such as `token` (tokens, client ids). */
  fieldPool(field: string): string[];
}
