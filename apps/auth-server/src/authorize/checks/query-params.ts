/** The parsed query string: Fastify turns a repeated parameter into an array. */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

export function isRepeated(query: RawQuery, name: string): boolean {
  return Array.isArray(query[name]);
}

/** The value of a parameter sent once; undefined when absent or repeated (callers check repetition first). */
export function singleValue(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}
