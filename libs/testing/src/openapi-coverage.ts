import { Validator } from '@seriousme/openapi-schema-validator';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteCatalog } from '#operability';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Validates the document against the OpenAPI schema of its version; returns the errors, empty when valid. */
export async function openApiErrors(document: OpenApiDocument): Promise<unknown[]> {
  const result = await new Validator().validate(document as unknown as Record<string, unknown>);
  if (result.valid) return [];
  return Array.isArray(result.errors) ? result.errors : [result.errors];
}

/**
 * "METHOD /path" for every route the app registered on Fastify that the document does not
 * describe. HEAD (added by Fastify for each GET), OPTIONS (CORS preflight) and the docs' own
 * routes are left out.
 */
export function undocumentedRoutes(app: NestFastifyApplication, document: OpenApiDocument): string[] {
  const missing = new Set<string>();
  const routes = app.get(RouteCatalog).routes;
  // A catch-all ('/*', the resource server's gateway) comes with '/' for the root: both proxy, neither is an API.
  const catchAllMethods = new Set(routes.filter((route) => route.url === '/*').map((route) => route.method));
  for (const { method, url } of routes) {
    if (method === 'HEAD' || method === 'OPTIONS' || url === '/docs' || url.startsWith('/docs/') || url === '*' || url === '/*') continue;
    if (url === '/' && catchAllMethods.has(method)) continue;
    // A trailing wildcard (an @All('x/*') route) is documented as its {path} parameter.
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');
    if (!document.paths[path]?.[method.toLowerCase()]) missing.add(`${method} ${path}`);
  }
  return [...missing];
}
