import { IsString, Matches, MaxLength } from 'class-validator';

/** PATCH /admin/v1/scopes/{name}: only the description changes; a scope is renamed by recreating it. */
export class UpdateScopeDto {
  @IsString() @MaxLength(1000) @Matches(/^[^\x00]*$/, { message: 'description must not contain NUL characters' })
  description!: string;
}
