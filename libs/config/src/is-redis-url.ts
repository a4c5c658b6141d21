import { ValidateBy, type ValidationOptions } from 'class-validator';
import { redisUrlProblem } from '#sync/redis-endpoint';

/** A Redis URL in one of the forms libs/sync accepts (one server, a cluster, a Sentinel group); the message says what is wrong. */
export function IsRedisUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRedisUrl',
      validator: {
        validate: (value) => redisUrlProblem(value) === null,
        defaultMessage: (args) => `${args?.property} is not usable: ${redisUrlProblem(args?.value)}`,
      },
    },
    options,
  );
}
