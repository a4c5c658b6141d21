import type { FieldError } from '#errors';
import { GRANTS_BY_TYPE, GrantTypes, isResourceIndicator, type ClientType, type GrantType, authMethodFitsType, defaultAuthMethod, type TokenEndpointAuthMethod } from '#oauth';
import { redirectUriError } from './redirect-uri.js';
import { clientJwksProblem, jwksUriProblem, type ClientJwks } from './client-jwks.js';

/** The fields whose rules depend on each other; checked on create and on the merged state of a PATCH. */
export interface ClientShape {
  type: ClientType;
  grants: GrantType[];
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  allowedResources?: string[] | null;
  tokenExchangeAudiences?: string[];
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  jwks?: ClientJwks | null;
  jwksUri?: string | null;
}

const REDIRECTING_GRANTS: readonly GrantType[] = [GrantTypes.authorizationCode, GrantTypes.implicit];

export function clientShapeErrors(shape: ClientShape): FieldError[] {
  return [...grantErrors(shape), ...redirectUriErrors(shape), ...postLogoutRedirectUriErrors(shape), ...allowedResourceErrors(shape), ...tokenExchangeAudienceErrors(shape), ...authMethodErrors(shape)];
}

/**
 * `none` exactly for public clients; private_key_jwt with exactly one of `jwks` and `jwksUri`, and
 * keys only for it (a key set the server never uses would only mislead).
 */
function authMethodErrors({ type, tokenEndpointAuthMethod, jwks, jwksUri }: ClientShape): FieldError[] {
  const method = tokenEndpointAuthMethod ?? defaultAuthMethod(type);
  if (!authMethodFitsType(method, type)) {
    return [{ field: 'tokenEndpointAuthMethod', message: type === 'public' ? 'a public client authenticates with none' : 'a confidential client cannot use none' }];
  }
  const hasJwks = jwks !== undefined && jwks !== null;
  const hasJwksUri = jwksUri !== undefined && jwksUri !== null;
  if (method !== 'private_key_jwt') {
    return hasJwks || hasJwksUri ? [{ field: hasJwks ? 'jwks' : 'jwksUri', message: 'keys are registered only for private_key_jwt' }] : [];
  }
  if (hasJwks === hasJwksUri) return [{ field: 'jwks', message: 'private_key_jwt needs exactly one of jwks and jwksUri' }];
  const problem = hasJwks ? clientJwksProblem(jwks) : jwksUriProblem(jwksUri!);
  return problem ? [{ field: hasJwks ? 'jwks' : 'jwksUri', message: `${hasJwks ? 'jwks' : 'jwksUri'} ${problem}` }] : [];
}

/** RFC 8707 §2: each an absolute URI without a fragment, as resource identifiers are. */
function allowedResourceErrors({ allowedResources }: ClientShape): FieldError[] {
  return (allowedResources ?? []).flatMap((identifier, index) =>
    isResourceIndicator(identifier) ? [] : [{ field: `allowedResources[${index}]`, message: 'each resource must be an absolute URI without a fragment (RFC 8707)' }],
  );
}

/** RFC 8693: resource identifiers, as allowedResources are. */
function tokenExchangeAudienceErrors({ tokenExchangeAudiences }: ClientShape): FieldError[] {
  return (tokenExchangeAudiences ?? []).flatMap((identifier, index) =>
    isResourceIndicator(identifier) ? [] : [{ field: `tokenExchangeAudiences[${index}]`, message: 'each audience must be a resource identifier: an absolute URI without a fragment (RFC 8707)' }],
  );
}

/** The browser is sent there after logout just as after authorization: the same rules (RP-Initiated Logout 1.0 §3.1). */
function postLogoutRedirectUriErrors({ type, postLogoutRedirectUris = [] }: ClientShape): FieldError[] {
  return postLogoutRedirectUris.flatMap((uri, index) => {
    const message = redirectUriError(uri, type);
    return message ? [{ field: `postLogoutRedirectUris[${index}]`, message }] : [];
  });
}

function grantErrors({ type, grants }: ClientShape): FieldError[] {
  const allowed = GRANTS_BY_TYPE[type];
  return grants.filter((grant) => !allowed.includes(grant)).map((grant) => ({ field: 'grants', message: `the grant ${grant} is not allowed for a ${type} client` }));
}

function redirectUriErrors({ type, grants, redirectUris }: ClientShape): FieldError[] {
  if (redirectUris.length === 0 && grants.some((grant) => REDIRECTING_GRANTS.includes(grant))) {
    return [{ field: 'redirectUris', message: 'at least one redirect URI is required for the authorization_code and implicit grants' }];
  }
  return redirectUris.flatMap((uri, index) => {
    const message = redirectUriError(uri, type);
    return message ? [{ field: `redirectUris[${index}]`, message }] : [];
  });
}
