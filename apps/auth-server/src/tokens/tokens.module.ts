import { Module } from '@nestjs/common';
import { ADMIN_TOKEN_VERIFIER } from '../admin-api/admin-principal.js';
import { AuditModule } from '../audit/audit.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { AccessTokenSigner } from './access-token-signer.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { BearerAdminTokenVerifier } from './admin-token-verifier.js';
import { Es256SigningThread } from './es256-signing-thread.js';
import { GrantRevocationsRepository } from './grant-revocations.repository.js';
import { GrantsRepository } from './grants.repository.js';
import { IdTokenSigner } from './id-token-signer.js';
import { JwtTokenIssuance } from './jwt-token-issuance.js';
import { TokenIssuance } from './token-issuance.js';
import { TokenRevoker } from './token-revoker.js';
import { TokensAdminController } from './tokens-admin.controller.js';
import { TokensAdminRepository } from './tokens-admin.repository.js';
import { TokensAdminService } from './tokens-admin.service.js';

/** Issuing, verifying and revoking tokens; the grant handlers, introspection, revocation and admin modules import it. */
@Module({
  imports: [AuditModule, SettingsModule, OutboxModule, KeysModule],
  controllers: [TokensAdminController],
  providers: [
    AccessTokenSigner,
    AccessTokenVerifier,
    Es256SigningThread,
    GrantsRepository,
    GrantRevocationsRepository,
    IdTokenSigner,
    TokenRevoker,
    TokensAdminRepository,
    TokensAdminService,
    { provide: TokenIssuance, useClass: JwtTokenIssuance },
    { provide: ADMIN_TOKEN_VERIFIER, useClass: BearerAdminTokenVerifier },
  ],
  exports: [TokenIssuance, TokenRevoker, AccessTokenSigner, IdTokenSigner, AccessTokenVerifier, GrantsRepository, ADMIN_TOKEN_VERIFIER],
})
export class TokensModule {}
