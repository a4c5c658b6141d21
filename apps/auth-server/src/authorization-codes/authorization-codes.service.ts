import { Injectable } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service.js';
import type { AuthorizationCode } from './authorization-code.js';
import { AuthorizationCodesRepository } from './authorization-codes.repository.js';
import { generateOpaqueValue, hashOpaqueValue } from './opaque-value.js';

export interface IssueCodeCommand {
  clientRef: string;
  userId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  scopes: string[];
  codeChallenge: string | null;
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

  /** The outcome of presenting a code: the winner gets the code, a replay learns which code was replayed. */
  async redeem(code: string, clientRef: string): Promise<RedeemResult> {
    const codeHash = hashOpaqueValue(code);
    const consumed = await this.repository.consume(codeHash, clientRef);
    if (consumed) return { outcome: 'consumed', code: consumed };
    const existing = await this.repository.find(codeHash);
    if (existing && existing.clientRef === clientRef && existing.consumedAt) return { outcome: 'replayed', codeHash };
    return { outcome: 'unknown' };
  }
}

export type RedeemResult = { outcome: 'consumed'; code: AuthorizationCode } | { outcome: 'replayed'; codeHash: string } | { outcome: 'unknown' };
