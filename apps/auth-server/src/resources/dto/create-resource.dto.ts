import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min, Validate, ValidateIf } from 'class-validator';
import { SCOPE_NAME } from '#oauth';
import { ResourceIndicatorConstraint } from './resource-indicator.constraint.js';

const NO_CONTROL = /^[^\x00-\x1f\x7f]*$/;

/** POST /admin/v1/resources. Scopes must exist and the client must exist (checked by the service). */
export class CreateResourceDto {
  @IsString() @Validate(ResourceIndicatorConstraint)
  identifier!: string;

  @IsString() @Length(1, 255) @Matches(NO_CONTROL, { message: 'name must not contain control characters' })
  name!: string;

  @IsOptional() @IsArray() @ArrayMaxSize(256) @ArrayUnique() @IsString({ each: true }) @Matches(SCOPE_NAME, { each: true, message: 'each scope must be a scope name' })
  scopes?: string[];

  /** Overrides the global access-token lifetime for this resource's tokens; null: the global one. */
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt() @Min(1) @Max(2147483647)
  accessTokenLifetimeSeconds?: number | null;

  /** The client that represents this resource (token exchange, introspection); null: none. */
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString() @Length(1, 255)
  clientId?: string | null;
}
