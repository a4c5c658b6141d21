import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_RESOURCE_INDICATOR_LENGTH, type ClientType, type GrantType, TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod } from '#oauth';
import { AccessTokenLifetimeDto } from './access-token-lifetime.dto.js';
import { CLIENT_TYPES, NAME_MESSAGE, NAME_PATTERN, NO_NUL, REGISTRABLE_GRANTS } from './client-fields.js';
import { ID_TOKEN_SIGNING_ALGS, type IdTokenSigningAlg } from '../id-token-signing-alg.js';
import { RefreshCountDto } from './refresh-count.dto.js';
import type { ClientJwks } from '../client-jwks.js';

/** POST /admin/v1/clients. Cross-field rules (grants per type, redirect URIs) live in client-rules.ts. */
export class CreateClientDto {
  @IsString() @Length(1, 255) @Matches(NAME_PATTERN, { message: NAME_MESSAGE('name') })
  name!: string;

  @IsString() @Length(1, 255) @Matches(NAME_PATTERN, { message: NAME_MESSAGE('version') })
  version!: string;

  @IsOptional() @IsString() @MaxLength(1000) @Matches(NO_NUL, { message: 'description must not contain NUL characters' })
  description?: string;

  @IsIn(CLIENT_TYPES)
  type!: ClientType;

  @IsArray() @ArrayNotEmpty() @ArrayUnique() @IsIn(REGISTRABLE_GRANTS, { each: true })
  grants!: GrantType[];

  @IsOptional() @IsArray() @ArrayMaxSize(32) @ArrayUnique() @IsString({ each: true })
  redirectUris?: string[];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => AccessTokenLifetimeDto)
  accessTokenLifetime?: AccessTokenLifetimeDto;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => RefreshCountDto)
  refreshCount?: RefreshCountDto;

  @IsOptional() @IsBoolean()
  active?: boolean;

  /** RFC 7662: may introspect tokens of every client. Null is refused, not read as "absent". */
  @ValidateIf((_, value) => value !== undefined) @IsBoolean()
  introspection?: boolean;

  /** OpenID Connect: the algorithm of this client's id tokens (default RS256). */
  @IsOptional() @IsIn(ID_TOKEN_SIGNING_ALGS)
  idTokenSignedResponseAlg?: IdTokenSigningAlg;

  /** RP-Initiated Logout 1.0: where the browser may be sent after logout; checked as redirect URIs. */
  @IsOptional() @IsArray() @ArrayMaxSize(32) @ArrayUnique() @IsString({ each: true })
  postLogoutRedirectUris?: string[];

  /** RFC 8707: the resource identifiers it may ask tokens for; null or absent: every resource. Grammar: client-rules.ts. */
  @IsOptional() @IsArray() @ArrayMaxSize(64) @ArrayUnique() @IsString({ each: true }) @MaxLength(MAX_RESOURCE_INDICATOR_LENGTH, { each: true })
  allowedResources?: string[] | null;

  /** RFC 8693: the resource identifiers it may exchange tokens into; default none. Grammar and grant: client-rules.ts. */
  @IsOptional() @IsArray() @ArrayMaxSize(64) @ArrayUnique() @IsString({ each: true }) @MaxLength(MAX_RESOURCE_INDICATOR_LENGTH, { each: true })
  tokenExchangeAudiences?: string[];

  /** RFC 8693: may exchange without an actor token (impersonation); default false. */
  @IsOptional() @IsBoolean()
  tokenExchangeImpersonation?: boolean;
  /** RFC 7591 token_endpoint_auth_method; default client_secret_basic (confidential) or none (public). */
  @IsOptional() @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;

  /** private_key_jwt: the client's public keys (a JWK Set); its content is checked in client-rules.ts. */
  @IsOptional() @IsObject()
  jwks?: ClientJwks | null;

  /** private_key_jwt: where its JWK Set is fetched (https, or http on a loopback host). */
  @IsOptional() @IsString() @MaxLength(2048)
  jwksUri?: string | null;

  /** RFC 9126 §6: authorization requests must be pushed (request_uri) first. */
  @IsOptional() @IsBoolean()
  requirePushedAuthorizationRequests?: boolean;
}
