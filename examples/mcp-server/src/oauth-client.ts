import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * What an MCP client application keeps for the SDK's OAuth (`OAuthClientProvider`), in memory.
 * The SDK calls it at each step: clientInformation() (none: it registers, and saveClientInformation
 * keeps the answer), saveCodeVerifier() (PKCE), redirectToAuthorization() (kept here for
 * connectWithOAuth, which hands it to the user agent), tokens()/saveTokens(), and the discovery
 * it made (so that the code exchange does not discover again).
 */
export class InMemoryOAuthClient implements OAuthClientProvider {
  /** Where redirectToAuthorization was sent: the authorization request, for the user agent. */
  authorizationUrl?: URL;
  private information?: OAuthClientInformationMixed;
  private savedTokens?: OAuthTokens;
  private verifier?: string;
  private discovery?: OAuthDiscoveryState;

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

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }
}
