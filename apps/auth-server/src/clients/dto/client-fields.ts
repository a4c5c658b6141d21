import { ValidateBy, type ValidationOptions } from 'class-validator';
import { ClientTypes, GRANTS_BY_TYPE } from '#oauth';

/** CONTRACT.md: name and version may not contain & ( ) \ ; , / " : ' < > (nor control characters). */
export const NAME_PATTERN = /^[^&()\\;,/":'<>\x00-\x1f\x7f]*$/;
export const NAME_MESSAGE = (field: string): string => `${field} must not contain & ( ) \\ ; , / " : ' < > or control characters`;
export const MAX_INT32 = 2147483647;
export const CLIENT_TYPES = Object.values(ClientTypes);
/** The grants a client may be registered for; refresh_token is not one (refresh tokens come with the code flow). */
export const REGISTRABLE_GRANTS = [...new Set(Object.values(GRANTS_BY_TYPE).flat())];
/** PostgreSQL text cannot hold NUL: refuse it up front instead of failing in the driver. */
export const NO_NUL = /^[^\x00]*$/;

/** Fails whenever the property is present: for fields that exist but may not be sent (PATCH name). */
export function IsAbsent(message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isAbsent', validator: { validate: (value) => value === undefined, defaultMessage: () => message } }, options);
}

/** Fails when the property is present while `condition` on the object is false (e.g. seconds without mode seconds). */
export function OnlyWhen(condition: (object: Record<string, unknown>) => boolean, message: string): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWhen',
    validator: { validate: (value, args) => value === undefined || condition(args?.object as Record<string, unknown>), defaultMessage: () => message },
  });
}
