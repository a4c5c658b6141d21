import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { NotFoundProblem } from '#errors';

/** The only swagger-ui-dist files the page loads; nothing else under /docs is readable. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Swagger UI from swagger-ui-dist: a static page plus an init script (no inline script, so a strict CSP can apply). */
export function serveSwaggerUi(app: INestApplication, docsPath: string, specPath: string): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  const html = page(docsPath);
  const init = `window.onload = () => { window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specPath)}, dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' }); };\n`;
  fastify.get(docsPath, (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get(`${docsPath}/swagger-ui-init.js`, (_request, reply) => reply.type('application/javascript; charset=utf-8').send(init));
  fastify.get<{ Params: { asset: string } }>(`${docsPath}/:asset`, (request, reply) => {
    const { asset } = request.params;
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    // The same problem document as any other unknown path (found by the fuzz specs).
    if (!type) return reply.status(404).type('application/problem+json').send(new NotFoundProblem('no such resource').toBody());
    let body = cache.get(asset);
    if (!body) cache.set(asset, (body = readFileSync(join(root, asset))));
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
  });
}

function page(docsPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API documentation</title>
<link rel="stylesheet" href="${docsPath}/swagger-ui.css">
<link rel="icon" type="image/png" href="${docsPath}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${docsPath}/swagger-ui-bundle.js"></script>
<script src="${docsPath}/swagger-ui-standalone-preset.js"></script>
<script src="${docsPath}/swagger-ui-init.js"></script>
</body>
</html>
`;
}
