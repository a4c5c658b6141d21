import { IntersectionType, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { IsAbsent } from './client-fields.js';
import { CreateClientDto } from './create-client.dto.js';

/**
 * PATCH /admin/v1/clients/{clientId}: any field of CreateClientDto but name (CONTRACT.md), each
 * optional. introspection keeps its own rule (null is refused, not read as "absent"), which
 * PartialType's IsOptional would loosen.
 */
export class UpdateClientDto extends IntersectionType(
  PartialType(OmitType(CreateClientDto, ['name', 'introspection'] as const)),
  PickType(CreateClientDto, ['introspection'] as const),
) {
  @IsAbsent('name cannot be changed')
  name?: never;
}
