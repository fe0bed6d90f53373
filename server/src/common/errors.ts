import { BadRequestException, ConflictException, NotFoundException, UnauthorizedException } from '@nestjs/common';

/** Errors with the contract's shape and a message that names what is wrong. */
export function notFound(what: string, id: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `${what} ${id} does not exist` });
}

export function badField(field: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field}: ${message}`, issues: [{ path: field, message }] });
}

export function unauthorized(message = 'authorization: missing, malformed or expired credential'): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}

export function conflict(message: string): ConflictException {
  return new ConflictException({ statusCode: 409, error: 'Conflict', message });
}
