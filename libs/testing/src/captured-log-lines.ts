/**
 * A log destination for an app under test (its `logDestination`): keeps every JSON line it is
 * written, as written and parsed, for a test to find a request's access line or an error, or to
 * search every line for a value that must never be logged.
 */
export class CapturedLogLines {
  readonly lines: string[] = [];
  /** `lines`, parsed, in the same order; a line that is not JSON is `{ unparsed: line }` (a throw here would land in the app's logger). */
  readonly entries: Record<string, unknown>[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      this.entries.push(parsed(line));
    }
  }

  /** The lines at pino's error level (50) or above, as written. */
  errorLines(): string[] {
    return this.lines.filter((_, index) => (this.entries[index].level as number) >= 50);
  }
}

function parsed(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { unparsed: line };
  }
}
