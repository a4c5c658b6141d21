import { DynamicModule, Global, Module } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from './auth-server.config.js';

@Global()
@Module({})
export class AuthServerConfigModule {
  static forRoot(config: AuthServerConfig): DynamicModule {
    return { module: AuthServerConfigModule, providers: [{ provide: AUTH_SERVER_CONFIG, useValue: config }], exports: [AUTH_SERVER_CONFIG] };
  }
}
