import { Injectable } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service.js';
import type { AuthorizationCode, CodeOwner } from './authorization-code.js';
import { AuthorizationCodesRepository } from './authorization-codes.repository.js';
import { generateOpaqueValue, hashOpaqueValue } from '../common/opaque-value.js';

export interface IssueCodeCommand {
  clientRef: string;
  userId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  scopes: string[];
  codeChallenge: string | null;
  nonce: string | null;
  authTime: Date | null;
  resources: string[];
  dpopJkt: string | null;
}

/** Issues and redeems authorization codes; the code value itself is never stored. */
@Injectable()
export class AuthorizationCodesService {
  constructor(
    private readonly repository: AuthorizationCodesRepository,
    private readonly settings: SettingsService,
  ) {}

  /** Returns the code to send to the client; it expires after settings.authorizationCodeLifetimeSeconds. */
  async issue(command: IssueCodeCommand, now = new Date()): Promise<string> {
    const code = generateOpaqueValue();
    const { authorizationCodeLifetimeSeconds } = await this.settings.get();
    await this.repository.insert({ ...command, codeHash: hashOpaqueValue(code), expiresAt: new Date(now.getTime() + authorizationCodeLifetimeSeconds * 1000) });
    return code;
  }

  /**
   * What a presented code is, without spending it: the grant's own statement spends it together
   * with the tokens (TokenIssuance, authorizationCodeHash), or burn() does when a check fails.
   * Another client's code is unknown to this one.
   */
  async inspect(code: string, clientRef: string): Promise<CodeInspection> {
    const codeHash = hashOpaqueValue(code);
    const found = await this.repository.findWithOwner(codeHash);
    if (!found || found.code.clientRef !== clientRef) return { outcome: 'unknown' };
    if (found.code.consumedAt) return { outcome: 'replayed', codeHash };
    return { outcome: 'redeemable', code: found.code, owner: found.owner };
  }

  /** A failed check spends the code all the same (SECURITY-CHECKLIST AC-8): no second guess. */
  async burn(code: AuthorizationCode): Promise<void> {
    await this.repository.consume(code.codeHash, code.clientRef);
  }
}

export type CodeInspection =
  { outcome: 'redeemable'; code: AuthorizationCode; owner: CodeOwner | null } | { outcome: 'replayed'; codeHash: string } | { outcome: 'unknown' };
