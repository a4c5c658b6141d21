import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * Every route registered on Fastify, recorded as it is added (this provider is built before Nest
 * registers the controllers). The OpenAPI tests compare it with the spec's paths.
 */
@Injectable()
export class RouteCatalog {
  readonly routes: RegisteredRoute[] = [];

  constructor(adapterHost: HttpAdapterHost) {
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.routes.push({ method, url: route.url });
    });
  }
}
