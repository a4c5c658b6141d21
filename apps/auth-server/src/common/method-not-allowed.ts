import { applyDecorators, Delete, Get, MethodNotAllowedException, Patch, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { OAUTH_ERROR_SCHEMA } from '#operability';

/** Documents the refusal, so that the OpenAPI document lists every route the server answers. */
function NotServed(): MethodDecorator {
  return applyDecorators(ApiOperation({ summary: 'Not served: 405' }), ApiResponse({ status: 405, description: 'method not allowed', schema: OAUTH_ERROR_SCHEMA }));
}

/**
 * 405 for the methods an OAuth endpoint does not serve (SECURITY-CHECKLIST TK-1, MD-5) instead of
 * Fastify's 404. Controllers extend one of these; @All() cannot be used next to a GET route.
 * GetAndPostEndpoint refuses what no endpoint serves; the other two add the one they refuse too.
 */
export abstract class GetAndPostEndpoint {
  @Put() @NotServed() put(): never {
    throw new MethodNotAllowedException();
  }
  @Patch() @NotServed() patch(): never {
    throw new MethodNotAllowedException();
  }
  @Delete() @NotServed() delete(): never {
    throw new MethodNotAllowedException();
  }
}

export abstract class PostOnlyEndpoint extends GetAndPostEndpoint {
  @Get() @NotServed() get(): never {
    throw new MethodNotAllowedException();
  }
}

export abstract class GetOnlyEndpoint extends GetAndPostEndpoint {
  @Post() @NotServed() post(): never {
    throw new MethodNotAllowedException();
  }
}
