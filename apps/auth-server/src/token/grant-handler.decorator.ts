import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as the handler of one grant_type: `@GrantHandlerFor('client_credentials')`.
 * The class must implement GrantHandler and be a provider of any module; GrantRegistry finds it
 * through Nest's DiscoveryService, so adding a grant needs no change here.
 */
export const GrantHandlerFor = DiscoveryService.createDecorator<string>();
