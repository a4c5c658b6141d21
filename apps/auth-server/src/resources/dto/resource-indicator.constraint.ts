import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isResourceIndicator } from '#oauth';

/** An RFC 8707 resource identifier: an absolute URI without a fragment. */
@ValidatorConstraint({ name: 'resourceIndicator' })
export class ResourceIndicatorConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isResourceIndicator(value);
  }

  defaultMessage(): string {
    return 'each resource must be an absolute URI without a fragment (RFC 8707)';
  }
}
