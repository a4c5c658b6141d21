/**
 * A log destination for an app under test (its `logDestination`): keeps every JSON line it is
 * written, parsed, for a test to find a request's access line or an error.
 */
export class CapturedLogLines {
  readonly entries: Record<string, unknown>[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim() !== '') this.entries.push(JSON.parse(line) as Record<string, unknown>);
  }
}
