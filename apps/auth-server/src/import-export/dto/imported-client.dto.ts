import { ArrayMaxSize, ArrayUnique, IsArray, IsISO8601, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { CLIENT_ID, SCOPE_NAME } from '#oauth';
import { CreateClientDto } from '../../clients/dto/create-client.dto.js';

/** HMAC-SHA-256 in base64url (clients/client-secret.ts). */
export const SECRET_HASH = /^[A-Za-z0-9_-]{43}$/;
/** Printable, no control characters: what an HTTP Basic or form-encoded secret can carry. */
const PRINTABLE = /^[^\x00-\x1f\x7f]+$/;
const present = (_: object, value: unknown): boolean => value !== undefined;

/**
 * One client of an import: everything POST /admin/v1/clients takes, plus the id it keeps, the
 * scopes it is associated with, and its secret, either in the clear (hashed on import, never
 * stored or shown) or as the hash an export carries.
 */
export class ImportedClientDto extends CreateClientDto {
  @IsString() @Matches(CLIENT_ID, { message: 'clientId must be 1 to 128 characters from A-Z a-z 0-9 . _ ~ -' })
  clientId!: string;

  /** Exactly these associations; absent: an existing client keeps its own. */
  @IsOptional() @IsArray() @ArrayMaxSize(256) @ArrayUnique() @IsString({ each: true }) @Matches(SCOPE_NAME, { each: true, message: 'each scope must be a scope name' })
  scopes?: string[];

  @ValidateIf(present) @IsString() @Length(1, 512) @Matches(PRINTABLE, { message: 'secret must not contain control characters' })
  secret?: string;

  @ValidateIf(present) @IsString() @Matches(SECRET_HASH, { message: 'secretHash must be the base64url HMAC-SHA-256 an export carries (43 characters)' })
  secretHash?: string;

  @ValidateIf(present) @IsString() @Matches(SECRET_HASH, { message: 'previousSecretHash must be the base64url HMAC-SHA-256 an export carries (43 characters)' })
  previousSecretHash?: string;

  @ValidateIf(present) @IsISO8601({ strict: true })
  previousSecretExpiresAt?: string;

  @ValidateIf(present) @IsString() @Length(1, 2048)
  sealedSecret?: string;

  /** client_secret_jwt mid-rotation: the previous secret, sealed as sealedSecret is (an export carries it). */
  @ValidateIf(present) @IsString() @Length(1, 2048)
  previousSealedSecret?: string;
}
