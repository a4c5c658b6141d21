/** What a step of the authorization flow answers; the controller only writes it out. */
export type AuthorizeOutcome =
  | { kind: 'page'; status: number; html: string; cookies?: string[]; formActions?: string[]; headers?: Record<string, string> }
  | { kind: 'redirect'; status: 302 | 303; location: string; cookies?: string[] };
