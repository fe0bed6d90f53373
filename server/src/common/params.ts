import { BadRequestException, type PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID is a 400 naming it, never a database error. */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}
  transform(value: string): string {
    if (!UUID.test(value)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${this.name}: must be a UUID` });
    }
    return value.toLowerCase();
  }
}
