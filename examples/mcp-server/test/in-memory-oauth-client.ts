import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * What an MCP client application keeps for the SDK's OAuth (`OAuthClientProvider`), in memory.
 * The SDK calls it at each step: clientInformation() (none: it registers, and saveClientInformation
 * keeps the answer), saveCodeVerifier() (PKCE), redirectToAuthorization() (a real client opens a
 * browser there; the test drives the login and consent pages itself), and tokens()/saveTokens().
 */
export class InMemoryOAuthClient implements OAuthClientProvider {
  /** Where redirectToAuthorization was sent: the authorization request, for the user agent. */
  authorizationUrl?: URL;
  private information?: OAuthClientInformationMixed;
  private savedTokens?: OAuthTokens;
  private verifier?: string;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    /** A client registered beforehand (its client_id); undefined: the SDK registers one (RFC 7591). */
    preRegistered?: OAuthClientInformationMixed,
  ) {
    this.information = preRegistered;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.savedTokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.savedTokens = tokens;
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.authorizationUrl = authorizationUrl;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error('no PKCE code verifier saved');
    return this.verifier;
  }
}
