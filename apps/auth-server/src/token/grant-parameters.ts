import { requireParam, type OAuthForm } from './token-form.js';

/** A grant's typed request: its required parameters, each present, and its optional ones. */
export type GrantRequest<Required extends string, Optional extends string> = { readonly [Name in Required]: string } & {
  readonly [Name in Optional]?: string;
};

/** The request type a GrantParameters declaration parses to. */
export type RequestOf<Parameters> = Parameters extends GrantParameters<infer Required, infer Optional> ? GrantRequest<Required, Optional> : never;

/**
 * The parameters a grant reads from the token request form (as node-oidc-provider's grants declare
 * theirs), beside grant_type and the client authentication ones. The endpoint turns the form into
 * the grant's typed request; other parameters are ignored as before (RFC 6749 §3.2), repeated ones
 * were already refused by parseOAuthForm.
 */
export class GrantParameters<Required extends string = string, Optional extends string = string> {
  constructor(
    /** Checked in this order: the first one missing is the invalid_request. */
    readonly required: readonly Required[],
    readonly optional: readonly Optional[] = [],
  ) {}

  parse(form: OAuthForm): GrantRequest<Required, Optional> {
    const request: Record<string, string> = {};
    for (const name of this.required) request[name] = requireParam(form, name);
    for (const name of this.optional) if (form[name] !== undefined) request[name] = form[name];
    return request as GrantRequest<Required, Optional>;
  }
}
