import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { loadConsoleAssets, type ConsoleAsset } from './console-assets.js';
import { CONSOLE_CLIENT_ID } from './console-client.js';
import { renderConsolePage, type ConsolePage } from './console-page.js';

/** The console's page and files, prepared once at boot (they do not change while running). */
@Injectable()
export class ConsoleAssetsService {
  private readonly files: Map<string, ConsoleAsset>;
  private readonly rendered: ConsolePage;

  constructor(@Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig) {
    this.files = loadConsoleAssets();
    this.rendered = renderConsolePage({ issuer: config.issuer, resourceServerUrl: config.resourceAudience, clientId: CONSOLE_CLIENT_ID });
  }

  page(): ConsolePage {
    return this.rendered;
  }

  asset(key: string): ConsoleAsset | undefined {
    return this.files.get(key);
  }
}
