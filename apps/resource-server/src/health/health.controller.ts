import { Controller, Get } from '@nestjs/common';
import { ServiceUnavailableProblem } from '../../../../libs/errors/src/index.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { STALENESS_BUDGET_MS, SyncTransportRegistry } from '../registry/sync-status.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly projection: RegistryProjection,
    private readonly transports: SyncTransportRegistry,
  ) {}

  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  /**
   * Ready only once the registry snapshot is loaded, and not while the event transport has been
   * cut off for longer than the staleness budget: changes may be missing (SECURITY-CHECKLIST F-8).
   */
  @Get('ready')
  ready(): { status: string } {
    if (!this.projection.isReady()) throw new ServiceUnavailableProblem('the registry snapshot has not been loaded yet');
    const cutOffMs = this.transports.disconnectedForMs();
    if (cutOffMs > STALENESS_BUDGET_MS) throw new ServiceUnavailableProblem(`the event transport has been disconnected for ${Math.round(cutOffMs / 1000)} s`);
    return { status: 'ok' };
  }
}
