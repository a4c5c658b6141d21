import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundProblem } from '../../../../libs/errors/src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** User ids are UUIDs; anything else names no user (404), and never reaches PostgreSQL's uuid parser. */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundProblem('no user with this id');
    return value.toLowerCase();
  }
}
