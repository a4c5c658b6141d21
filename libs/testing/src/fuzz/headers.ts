import fc from 'fast-check';
import type { Credential, CredentialPlan } from './plan-types.js';
import type { FuzzRoute } from './routes.js';
import { nastyString } from './strings.js';

/** Header names worth sending odd values in. */
const HEADER_NAMES = [
  'origin',
  'access-control-request-method',
  'accept',
  'accept-encoding',
  'accept-language',
  'cookie',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'if-none-match',
  'range',
  'content-encoding',
  'referer',
  'user-agent',
  'dpop',
  'x-http-method-override',
];

/** Header values: control characters (which Node refuses outright) only now and then, so most reach the app. */
function headerValue(): fc.Arbitrary<string> {
  const printable = (s: string) => s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map(printable) },
    { weight: 3, arbitrary: nastyString(40, 2800).map(printable) },
    { weight: 1, arbitrary: nastyString() },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(8000), 'x'.repeat(9000), 'x'.repeat(20_000)) },
  );
}

export function credentialPlan(route: FuzzRoute, credentials: Record<string, Credential>): fc.Arbitrary<CredentialPlan> {
  const usable = Object.entries(credentials).filter(([, c]) => !c.prefixes || c.prefixes.some((p) => route.url.startsWith(p)));
  const garbage = fc.oneof(
    fc
      .tuple(fc.constantFrom('Basic ', 'Bearer ', 'basic ', 'Digest ', 'Bearer', ''), headerValue())
      .map(([scheme, value]) => [['authorization', scheme + value]] as [string, string][]),
    fc.string({ maxLength: 60 }).map((s) => [['authorization', `Basic ${Buffer.from(s).toString('base64')}`]] as [string, string][]),
    fc.constant([['authorization', `Bearer ${'A'.repeat(9000)}`]] as [string, string][]),
    fc.constant([['authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInNjb3BlIjoiYWRtaW4ifQ.']] as [string, string][]),
    fc.constant([
      ['authorization', 'Bearer a'],
      ['authorization', 'Basic YTpi'],
    ] as [string, string][]),
  );
  return fc.oneof(
    ...usable.map(([use, c]) => ({ weight: c.weight, arbitrary: fc.constant({ use }) })),
    { weight: 3, arbitrary: garbage.map((g) => ({ garbage: g })) },
    { weight: 1, arbitrary: fc.constant({ none: true as const }) },
  );
}

export function headerPair(): fc.Arbitrary<[string, string]> {
  return fc.tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HEADER_NAMES) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) }),
    headerValue(),
  );
}

/** CR and LF would end the header (that is request smuggling, not fuzzing the app). */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}
