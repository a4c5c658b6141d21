import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ClientType, TokenEndpointAuthMethod } from '#oauth';
import type { ClientRegistration } from './client.js';
import type { IdTokenSigningAlg } from './id-token-signing-alg.js';

@Entity({ name: 'clients' })
export class ClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'text', unique: true })
  clientId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text' })
  type!: ClientType;

  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash!: string | null;

  @Column({ name: 'previous_secret_hash', type: 'text', nullable: true })
  previousSecretHash!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ name: 'redirect_uris', type: 'jsonb', default: () => "'[]'" })
  redirectUris!: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  grants!: string[];

  @Column({ name: 'access_token_lifetime_mode', type: 'text', default: 'global' })
  accessTokenLifetimeMode!: 'global' | 'never' | 'seconds';

  @Column({ name: 'access_token_lifetime_seconds', type: 'integer', nullable: true })
  accessTokenLifetimeSeconds!: number | null;

  @Column({ name: 'refresh_count_mode', type: 'text', default: 'limited' })
  refreshCountMode!: 'unlimited' | 'limited';

  @Column({ name: 'refresh_count_limit', type: 'integer', nullable: true })
  refreshCountLimit!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** May introspect tokens of every client, not only its own (RFC 7662 §2.1). */
  @Column({ type: 'boolean', default: false })
  introspection!: boolean;

  @Column({ name: 'id_token_signed_response_alg', type: 'text', default: 'RS256' })
  idTokenSignedResponseAlg!: IdTokenSigningAlg;

  @Column({ name: 'post_logout_redirect_uris', type: 'jsonb', default: () => "'[]'" })
  postLogoutRedirectUris!: string[];

  @Column({ type: 'text', default: 'admin' })
  registration!: ClientRegistration;
  /** Resource identifiers (RFC 8707) the client may ask tokens for; null: every resource. */
  @Column({ name: 'allowed_resources', type: 'jsonb', nullable: true })
  allowedResources!: string[] | null;

  /** Resource identifiers the client may exchange tokens into (RFC 8693). */
  @Column({ name: 'token_exchange_audiences', type: 'jsonb', default: () => "'[]'" })
  tokenExchangeAudiences!: string[];

  /** May exchange without an actor token (RFC 8693 impersonation). */
  @Column({ name: 'token_exchange_impersonation', type: 'boolean', default: false })
  tokenExchangeImpersonation!: boolean;
  @Column({ name: 'token_endpoint_auth_method', type: 'text', default: 'client_secret_basic' })
  tokenEndpointAuthMethod!: TokenEndpointAuthMethod;

  /** A ClientJwks; typed loosely here because TypeORM's partial-entity types reject `unknown` members. */
  @Column({ type: 'jsonb', nullable: true })
  jwks!: object | null;

  @Column({ name: 'jwks_uri', type: 'text', nullable: true })
  jwksUri!: string | null;

  /** client_secret_jwt only: the secret sealed by ClientSecretBox (the HMAC needs it, not its hash). */
  @Column({ name: 'secret_sealed', type: 'text', nullable: true })
  secretSealed!: string | null;

  @Column({ name: 'previous_secret_sealed', type: 'text', nullable: true })
  previousSecretSealed!: string | null;

  @Column({ name: 'require_pushed_authorization_requests', type: 'boolean', default: false })
  requirePushedAuthorizationRequests!: boolean;

  /** bigint comes back from pg as a string; the repository converts it. */
  @Column({ name: 'entity_version', type: 'bigint', default: 1 })
  entityVersion!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
