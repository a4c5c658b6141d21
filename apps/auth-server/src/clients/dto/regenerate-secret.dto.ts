import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The overlap is capped at 30 days: a forgotten old secret should not live on for years. */
export const MAX_PREVIOUS_SECRET_SECONDS = 30 * 24 * 3600;

export class RegenerateSecretDto {
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PREVIOUS_SECRET_SECONDS)
  previousSecretValidForSeconds?: number;
}
