export interface HeldCalls {
  /** Calls that have reached the held method and wait. */
  readonly arrived: number;
  /** Lets every held call (and every later one) through and restores the method. */
  release(): void;
}

/**
 * Holds every call of `target[method]` until released, to line up a race without timing: the
 * calls have done all that comes before that method (read their client as active, checked a
 * password), the test commits a change meanwhile, then releases them.
 */
export function holdCalls<T extends object, K extends keyof T>(target: T, method: K): HeldCalls {
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const held = {
    arrived: 0,
    release() {
      open();
      target[method] = original as T[K];
    },
  };
  target[method] = (async (...args: unknown[]) => {
    held.arrived++;
    await gate;
    return original.apply(target, args);
  }) as T[K];
  return held;
}
