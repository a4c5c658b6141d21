import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ReplayModule } from '../replay/replay.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { DpopNonces } from './dpop-nonces.js';
import { RequestProof } from './request-proof.js';

/** DPoP (RFC 9449) at the auth server's own endpoints: proofs, server nonces, the shared replay store. */
@Module({ imports: [AuditModule, KeysModule, ReplayModule, SettingsModule], providers: [DpopNonces, RequestProof], exports: [RequestProof] })
export class DpopModule {}
