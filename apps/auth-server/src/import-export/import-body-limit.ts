import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { isRoute } from '#operability/route-hooks';
import { IMPORT_BODY_LIMIT_BYTES } from './export-format.js';

export const IMPORT_ROUTE = '/admin/v1/import';

/**
 * An export of a few thousand clients is larger than the server's 256 KiB body limit: the import
 * route alone reads up to IMPORT_BODY_LIMIT_BYTES (a larger body is a 400, "the request body is
 * too large", before it is parsed). Built before Nest registers the controllers (as
 * RefusedBodyAudit), so onRoute sees the route.
 */
@Injectable()
export class ImportBodyLimit {
  constructor(adapterHost: HttpAdapterHost) {
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (isRoute(route, 'POST', IMPORT_ROUTE)) route.bodyLimit = IMPORT_BODY_LIMIT_BYTES;
    });
  }
}
