import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { addDtoSchemas } from './dto-schemas.js';
import { serveSwaggerUi } from './swagger-ui.js';

export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = `${DOCS_PATH}/openapi.json`;

/**
 * OpenAPI 3.1 generated from the controllers' decorators and the DTOs' validation rules, served
 * as JSON at /docs/openapi.json and as Swagger UI at /docs. Built on first request, not at boot.
 */
export function setupOpenApi(app: INestApplication, title: string, description: string): void {
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription(description)
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .addBasicAuth()
    .addBearerAuth()
    .build();
  // The UI is served by serveSwaggerUi: Nest's own needs @fastify/static, whose ESM-only
  // dependencies jest 29 cannot load.
  SwaggerModule.setup(DOCS_PATH, app, () => addDtoSchemas(SwaggerModule.createDocument(app, config)), {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: OPENAPI_JSON_PATH,
  });
  serveSwaggerUi(app, DOCS_PATH, OPENAPI_JSON_PATH);
}
