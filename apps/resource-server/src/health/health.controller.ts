import { Controller, Get } from '@nestjs/common';
import { ServiceUnavailableProblem } from '../../../../libs/errors/src/index.js';
import { RegistryProjection } from '../registry/registry-projection.js';

@Controller('health')
export class HealthController {
  constructor(private readonly projection: RegistryProjection) {}

  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready only once the registry snapshot is loaded (SECURITY-CHECKLIST §3: fail closed). */
  @Get('ready')
  ready(): { status: string } {
    if (!this.projection.isReady()) throw new ServiceUnavailableProblem('the registry snapshot has not been loaded yet');
    return { status: 'ok' };
  }
}
