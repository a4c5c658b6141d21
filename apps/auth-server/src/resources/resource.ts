/** A registered resource (RFC 8707): an API that tokens are issued for, and the scopes it owns. */
export interface Resource {
  id: string;
  /** Absolute URI without a fragment: the `resource` parameter and the tokens' `aud`. */
  identifier: string;
  name: string;
  /** Scope names it owns, sorted; a token for it carries only these (and scopes no resource owns). */
  scopes: string[];
  /** Overrides the global access-token lifetime for its tokens (a client's own lifetime wins). */
  accessTokenLifetimeSeconds: number | null;
  /** The client that represents the resource (token exchange, introspection); null: none. */
  clientId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The admin API's JSON for a resource. */
export interface ResourceView {
  id: string;
  identifier: string;
  name: string;
  scopes: string[];
  accessTokenLifetimeSeconds: number | null;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a create sets, or a PATCH changes (an absent field stays). */
export interface ResourceFields {
  identifier: string;
  name: string;
  scopes: string[];
  accessTokenLifetimeSeconds: number | null;
  clientId: string | null;
}

export function toResourceView(resource: Resource): ResourceView {
  return {
    id: resource.id,
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes,
    accessTokenLifetimeSeconds: resource.accessTokenLifetimeSeconds,
    clientId: resource.clientId,
    createdAt: resource.createdAt.toISOString(),
    updatedAt: resource.updatedAt.toISOString(),
  };
}
