import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ValidationProblem } from '#errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `limit` and `cursor` query parameters shared by every admin list. */
export class PageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(512) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is malformed' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An opaque keyset cursor: the sort key of the last item returned. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor field's check, run on its value (as text) before the value reaches SQL. */
export type CursorField = (value: string) => boolean;

/**
 * The keyset a cursor holds, each field checked by its CursorField: a cursor is client input that
 * reaches SQL casts, so anything that is not what we encoded is a 400 here, never a database
 * error (a 500) later.
 */
export function decodeCursor<K extends string>(cursor: string | undefined, fields: Record<K, CursorField>): Record<K, string> | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // fall through to the validation error
  }
  const key: Partial<Record<K, string>> = {};
  for (const [field, valid] of Object.entries(fields) as [K, CursorField][]) {
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
    if ((typeof value !== 'string' && typeof value !== 'number') || !valid(String(value))) throw ValidationProblem.field('cursor', 'cursor is malformed');
    key[field] = String(value);
  }
  return key as Record<K, string>;
}

const TIMESTAMP = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z?$/;

/** A `YYYY-MM-DDTHH:MM:SS[.ffffff][Z]` instant that exists (no 30 February, no hour 24): what PostgreSQL parses. */
export function isCursorTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value)) return false;
  const seconds = value.slice(0, 19);
  const parsed = Date.parse(`${seconds}Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(seconds);
}

/** Text PostgreSQL can hold (no NUL). */
export function isCursorText(value: string): boolean {
  return !value.includes('\u0000');
}

/** Fetch `limit + 1` rows, then call this: it trims the extra row and builds the next cursor. */
export function toPage<T>(rows: T[], limit: number, keyOf: (last: T) => Record<string, string | number>): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  return { items, nextCursor: hasMore ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
