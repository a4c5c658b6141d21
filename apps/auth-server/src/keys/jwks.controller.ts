import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';
import { KeyStore } from './key-store.js';
import { GetOnlyEndpoint } from '../token/method-not-allowed.js';

/** Short, so resource servers see a new key well before it signs (see KeyStore activation delay). */
const JWKS_MAX_AGE_SECONDS = 5;

@Controller('oauth/jwks')
export class JwksController extends GetOnlyEndpoint {
  constructor(private readonly keys: KeyStore) {
    super();
  }

  @Get()
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  jwks(): { keys: JWK[] } {
    return this.keys.publicJwks();
  }
}
