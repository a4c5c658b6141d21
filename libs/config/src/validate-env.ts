import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export type RawEnv = Record<string, string | undefined>;

/** Thrown at boot when the environment is unusable; the message names every bad variable. */
export class InvalidConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'InvalidConfigurationError';
  }
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join(', ');
  return `${error.property}: ${reasons}`;
}

/**
 * Validates raw environment variables against a class-validator DTO. Empty strings count as
 * unset so that `FOO= npm start` falls back to the default instead of failing obscurely.
 */
export function validateEnv<T extends object>(dtoClass: new () => T, env: RawEnv): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const dto = plainToInstance(dtoClass, present, { exposeDefaultValues: true });
  const errors = validateSync(dto, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new InvalidConfigurationError(errors.map(describe));
  return dto;
}
