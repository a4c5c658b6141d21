import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { UnsupportedGrantType } from '#oauth';
import { GrantHandlerFor } from './grant-handler.decorator.js';
import type { GrantHandler } from './grant-handler.js';

/** grant_type -> handler, built once from every provider decorated with @GrantHandlerFor. */
@Injectable()
export class GrantRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(GrantRegistry.name);
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: GrantHandlerFor.KEY })) {
      const grantType = this.discovery.getMetadataByDecorator(GrantHandlerFor, wrapper);
      const handler = wrapper.instance as GrantHandler | undefined;
      if (!grantType || !handler) continue;
      if (this.handlers.has(grantType)) throw new Error(`two handlers for grant_type ${grantType}`);
      this.handlers.set(grantType, handler);
    }
    this.logger.debug(`grant types: ${[...this.handlers.keys()].join(', ')}`);
  }

  handlerFor(grantType: string): GrantHandler {
    const handler = this.handlers.get(grantType);
    if (!handler) throw new UnsupportedGrantType();
    return handler;
  }

  grantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}
