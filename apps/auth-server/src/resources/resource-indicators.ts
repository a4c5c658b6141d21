import { Inject, Injectable } from '@nestjs/common';
import { InvalidTarget, isResourceIndicator } from '#oauth';
import type { Client } from '../clients/client.js';
import { SettingsService } from '../settings/settings.service.js';
import { ResourceCatalog, type Catalog } from './resource-catalog.js';
import type { Resource } from './resource.js';

/** What a token is for: its one audience, the scopes it carries, and its lifetime's override. */
export interface TokenTarget {
  audience: string;
  /** The requested or granted scopes narrowed to what the audience may receive. */
  scopes: string[];
  /** The resource's own lifetime (a client's own lifetime still wins); null: the global setting. */
  lifetimeSeconds: number | null;
  /** What a new grant remembers: the resource asked for, or nothing (the default audience). */
  resources: string[];
}

/** Resources one authorization request may ask for: a code remembers them all (stored with it). */
export const MAX_RESOURCES_PER_REQUEST = 16;

/** The `resource` parameter as sent: absent, once, or repeated (an array). */
export type ResourceParameter = string | readonly string[] | undefined;

/**
 * RFC 8707 at the authorization and token endpoints. Each access token has exactly one audience:
 * the resource asked for, else the one the code or refresh token was granted for, else the
 * `accessTokenAudience` setting. A resource that is not an absolute URI, has a fragment, is not
 * registered, is not among the client's allowedResources, or (for a code or refresh token) is not
 * among those granted, is invalid_target.
 */
@Injectable()
export class ResourceIndicators {
  constructor(
    @Inject(ResourceCatalog) private readonly catalog: ResourceCatalog,
    private readonly settings: SettingsService,
  ) {}

  /** The resources an authorization request asks for (may repeat), each checked; [] when none. */
  async forAuthorization(client: Client, parameter: ResourceParameter): Promise<string[]> {
    // Empty values are omitted ones (RFC 6749 §3.1), as at the token endpoint.
    const requested = [...new Set(typeof parameter === 'string' ? [parameter] : (parameter ?? []))].filter((value) => value !== '');
    if (requested.length > MAX_RESOURCES_PER_REQUEST) throw new InvalidTarget(`at most ${MAX_RESOURCES_PER_REQUEST} resources per request`);
    if (requested.length === 0) {
      const { accessTokenAudience } = await this.settings.get();
      if (client.allowedResources !== null && !client.allowedResources.includes(accessTokenAudience)) throw new InvalidTarget('name a resource this client may use');
      return [];
    }
    const catalog = await this.catalog.current();
    for (const identifier of requested) usable(catalog, client, identifier);
    return requested;
  }

  /**
   * The target of a token request. `granted`: the resources a code or refresh token remembers
   * (undefined for grants without one: client_credentials, password); [] means the default audience.
   */
  async forToken(client: Client, requested: string | undefined, scopes: readonly string[], granted?: readonly string[]): Promise<TokenTarget> {
    const [catalog, settings] = await Promise.all([this.catalog.current(), this.settings.get()]);
    const defaultAudience = settings.accessTokenAudience;
    let audience: string;
    if (requested !== undefined) {
      usable(catalog, client, requested);
      const grantedTargets = granted && (granted.length > 0 ? granted : [defaultAudience]);
      if (grantedTargets && !grantedTargets.includes(requested)) throw new InvalidTarget('the resource was not granted: name one the authorization was for');
      audience = requested;
    } else if (granted && granted.length > 1) {
      throw new InvalidTarget('the grant covers several resources: name one with the resource parameter');
    } else if (granted && granted.length === 1) {
      audience = granted[0];
    } else {
      if (client.allowedResources !== null && !client.allowedResources.includes(defaultAudience)) throw new InvalidTarget('name a resource this client may use');
      audience = defaultAudience;
    }
    const resource = catalog.get(audience);
    return {
      audience,
      scopes: catalog.scopesFor(resource, scopes),
      lifetimeSeconds: resource?.accessTokenLifetimeSeconds ?? null,
      resources: granted ? [...granted] : requested !== undefined ? [requested] : [],
    };
  }
}

/** The registered resource the client may use, or invalid_target. */
function usable(catalog: Catalog, client: Client, identifier: string): Resource {
  if (!isResourceIndicator(identifier)) throw new InvalidTarget('the resource must be an absolute URI without a fragment');
  const resource = catalog.get(identifier);
  if (!resource) throw new InvalidTarget('the resource is not registered');
  if (client.allowedResources !== null && !client.allowedResources.includes(identifier)) throw new InvalidTarget('the client may not use this resource');
  return resource;
}
