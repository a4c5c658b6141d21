import { Delete, Get, MethodNotAllowedException, Patch, Post, Put } from '@nestjs/common';

/**
 * 405 for the methods an OAuth endpoint does not serve (SECURITY-CHECKLIST TK-1, MD-5) instead of
 * Fastify's 404. Controllers extend one of these; @All() cannot be used next to a GET route.
 */
export abstract class PostOnlyEndpoint {
  @Get() get(): never {
    throw new MethodNotAllowedException();
  }
  @Put() put(): never {
    throw new MethodNotAllowedException();
  }
  @Patch() patch(): never {
    throw new MethodNotAllowedException();
  }
  @Delete() delete(): never {
    throw new MethodNotAllowedException();
  }
}

export abstract class GetOnlyEndpoint {
  @Post() post(): never {
    throw new MethodNotAllowedException();
  }
  @Put() put(): never {
    throw new MethodNotAllowedException();
  }
  @Patch() patch(): never {
    throw new MethodNotAllowedException();
  }
  @Delete() delete(): never {
    throw new MethodNotAllowedException();
  }
}
