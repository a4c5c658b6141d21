import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundProblem } from '#errors';
import { isUuid } from '../common/uuid.js';


/** User ids are UUIDs; anything else names no user (404), and never reaches PostgreSQL's uuid parser. */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new NotFoundProblem('no user with this id');
    return value.toLowerCase();
  }
}
