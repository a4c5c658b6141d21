import { Injectable } from '@nestjs/common';
import { NotFoundProblem } from '#errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, isCursorTimestamp, toPage, type Page } from '../common/pagination.js';
import { isUuid } from '../common/uuid.js';
import type { GrantRecord } from './grant.js';
import { TokenRevoker } from './token-revoker.js';
import { TokensAdminRepository } from './tokens-admin.repository.js';


export interface ListTokensOptions {
  clientId?: string;
  username?: string;
  limit?: number;
  cursor?: string;
}

/** The admin view of token families: list, revoke one, revoke all of a client (stage 5). */
@Injectable()
export class TokensAdminService {
  constructor(
    private readonly repository: TokensAdminRepository,
    private readonly revoker: TokenRevoker,
  ) {}

  async list(options: ListTokensOptions): Promise<Page<GrantRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(options.cursor, { createdAt: isCursorTimestamp, id: isUuid });
    const rows = await this.repository.list({ limit: limit + 1, clientId: options.clientId, username: options.username, after });
    return toPage(rows, limit, (last) => ({ createdAt: last.createdAt, id: last.id }));
  }

  async revoke(grantId: string): Promise<void> {
    if (!isUuid(grantId) || !(await this.repository.grantExists(grantId))) throw new NotFoundProblem(`no token with the id ${grantId}`);
    await this.revoker.revokeGrant(grantId);
  }

  async revokeAllOfClient(clientId: string): Promise<void> {
    const clientRef = await this.repository.clientRefOf(clientId);
    if (!clientRef || !(await this.revoker.revokeAllOfClient(clientRef))) throw new NotFoundProblem(`no client with the id ${clientId}`);
  }
}
