import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteCatalog } from '#operability';
import type { OpenApiDocument } from '../openapi-coverage.js';
import type { JsonSchema } from './schema-values.js';

/** One route as the app registered it, with what its OpenAPI operation says about its inputs. */
export interface FuzzRoute {
  method: string;
  /** Fastify's template, e.g. /admin/v1/clients/:clientId/scopes/:name or /admin/v1/*. */
  url: string;
  params: string[];
  /** Whether the OpenAPI document describes it (HEAD twins and 405 stubs are not). */
  documented: boolean;
  query: { name: string; schema: JsonSchema }[];
  jsonBody?: JsonSchema;
  formBody?: JsonSchema;
}

export const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Operation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/**
 * Every route the app registered on Fastify (RouteCatalog), so that a new endpoint is fuzzed
 * without touching the tests. Catch-all routes get a random tail in place of `*`.
 */
export function fuzzRoutes(app: NestFastifyApplication, document: OpenApiDocument): FuzzRoute[] {
  const seen = new Set<string>();
  const routes: FuzzRoute[] = [];
  for (const { method, url } of app.get(RouteCatalog).routes) {
    const key = `${method} ${url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const operation = document.paths[url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()] as Operation | undefined;
    const content = operation?.requestBody?.content ?? {};
    routes.push({
      method,
      url,
      // In order of appearance; a wildcard tail counts as a parameter named "*".
      params: [...url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m) => m[1] ?? '*'),
      documented: operation !== undefined,
      query: (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
      jsonBody: content['application/json']?.schema,
      formBody: content['application/x-www-form-urlencoded']?.schema,
    });
  }
  return routes;
}
