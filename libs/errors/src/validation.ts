import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationProblem, type FieldError } from './problem.js';

/** No admin body or query is nested deeper than a few levels; class-transformer recurses per level. */
export const MAX_INPUT_DEPTH = 32;

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Nesting depth of a parsed value, measured without recursion (the input is what could exhaust the stack). */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Refuses input nested beyond MAX_INPUT_DEPTH before class-transformer walks it: a body of a
 * few thousand nested arrays overflowed its recursion and came back as a 500 (found by fuzzing).
 */
class DepthLimitedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestingDepth(value, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH) {
      throw ValidationProblem.field(metadata.type === 'query' ? 'query' : 'body', `the input is nested more than ${MAX_INPUT_DEPTH} levels deep`);
    }
    return super.transform(value, metadata);
  }
}

/** The admin API's pipe: unknown fields are rejected (mass assignment) and every error names its field. */
export function adminValidationPipe(): ValidationPipe {
  return new DepthLimitedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}
