import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { targetConstructorToSchema } from 'class-validator-jsonschema';

export type { ReferenceObject, SchemaObject };

/** RFC 9457 problem document, as the admin APIs send it (libs/errors Problem.toBody). */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'errors'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** RFC 6749 §5.2 error response. */
export const OAUTH_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'string',
      examples: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'],
    },
    error_description: { type: 'string' },
  },
};

const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid input; `errors` names the fields',
  401: 'no or wrong credentials',
  403: 'authenticated, but without the required permission or scope',
  404: 'no such resource',
  405: 'method not allowed',
  409: 'conflict with an existing resource',
  429: 'too many failed logins for this username from this IP; wait for Retry-After',
  503: 'a backing service is unavailable or the server is busy, retry after Retry-After',
};

/** application/problem+json answers for the given statuses. */
export function ApiProblems(...statuses: number[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: PROBLEM_TEXT[status] ?? 'error', content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } }),
    ),
  );
}

/** RFC 6749 JSON error answers for the given statuses. */
export function ApiOAuthErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: 'OAuth error (RFC 6749 §5.2)', schema: OAUTH_ERROR_SCHEMA })));
}

/** An application/x-www-form-urlencoded body (OAuth endpoints parse the form themselves). */
export function ApiFormBody(schema: SchemaObject): MethodDecorator {
  return applyDecorators(ApiConsumes('application/x-www-form-urlencoded'), ApiBody({ schema }));
}

/** `{items, nextCursor}` list answers (CONTRACT.md "Lists"). */
export function ApiPageResponse(item: SchemaObject): MethodDecorator {
  return ApiOkResponse({
    schema: {
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
    },
  });
}

/**
 * One query parameter per property of a class-validator query DTO, typed from its rules, so
 * the validation class stays the one description of the query.
 */
export function ApiQueryDto(dto: new () => object): MethodDecorator {
  const schema = targetConstructorToSchema(dto) as SchemaObject;
  const required = new Set(schema.required ?? []);
  return applyDecorators(
    ...Object.entries(schema.properties ?? {}).map(([name, property]) => ApiQuery({ name, required: required.has(name), schema: property as SchemaObject })),
  );
}
