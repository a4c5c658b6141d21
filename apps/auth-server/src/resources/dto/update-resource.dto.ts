import { PartialType } from '@nestjs/swagger';
import { ValidationProblem } from '#errors';
import type { Resource, ResourceFields } from '../resource.js';
import { CreateResourceDto } from './create-resource.dto.js';

/** PATCH /admin/v1/resources/{id}: any field of the create body; an absent one stays as it is. */
export class UpdateResourceDto extends PartialType(CreateResourceDto) {
  /** The resource after the change. */
  mergedWith(resource: Resource): ResourceFields {
    if ([this.identifier, this.name, this.scopes, this.accessTokenLifetimeSeconds, this.clientId].every((value) => value === undefined)) {
      throw ValidationProblem.field('body', 'give at least one of identifier, name, scopes, accessTokenLifetimeSeconds, clientId');
    }
    if (this.identifier === null || this.name === null || this.scopes === null) throw ValidationProblem.field('body', 'identifier, name and scopes cannot be null');
    return {
      identifier: this.identifier ?? resource.identifier,
      name: this.name ?? resource.name,
      scopes: this.scopes ?? resource.scopes,
      accessTokenLifetimeSeconds: this.accessTokenLifetimeSeconds === undefined ? resource.accessTokenLifetimeSeconds : this.accessTokenLifetimeSeconds,
      clientId: this.clientId === undefined ? resource.clientId : this.clientId,
    };
  }
}
