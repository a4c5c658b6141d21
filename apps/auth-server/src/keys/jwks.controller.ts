import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';
import { KeyStore } from './key-store.js';
import { GetOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JWKS } from '../openapi/schemas.js';

/** Short, so resource servers see a new key well before it signs (see KeyStore activation delay). */
const JWKS_MAX_AGE_SECONDS = 5;

@ApiTags('oauth')
@Controller('oauth/jwks')
export class JwksController extends GetOnlyEndpoint {
  constructor(private readonly keys: KeyStore) {
    super();
  }

  @ApiOperation({ summary: 'JSON Web Key Set: the signing key and, during rotation, the previous ones' })
  @ApiOkResponse({ schema: JWKS })
  @Get()
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  jwks(): { keys: JWK[] } {
    return this.keys.publicJwks();
  }
}
