import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiError } from '@salesboard/shared';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Connection-level failures: the database is away, so the client should retry, not give up. */
const DB_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof e.code === 'string' && DB_UNAVAILABLE_CODES.has(e.code)) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(
      e.message,
    )
  )
    return true;
  return e.driverError ? isDatabaseUnavailable(e.driverError) : false;
}

/**
 * PostgreSQL's class 22, data exception (a NUL in text, a date out of range, a number too big for
 * its column): a value the request sent that a schema should have refused. A safety net, so the
 * caller gets a 400 rather than a 500; the schemas are what name the field.
 */
export function postgresDataException(error: unknown): string | null {
  if (!error || typeof error !== 'object') return null;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return typeof e.message === 'string' ? e.message : e.code;
  return e.driverError ? postgresDataException(e.driverError) : null;
}

/** Every error leaves as `{ statusCode, error, message }`; nothing internal leaks. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode === 503) response.setHeader('Retry-After', '5');
    const retryAfter = exception instanceof HttpException ? (exception.getResponse() as { retryAfter?: unknown }).retryAfter : undefined;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    if (body.statusCode >= 500 && body.statusCode !== 503) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // A schema let the value through: worth a line, so the gap gets closed where the field can be named.
    else if (!(exception instanceof HttpException) && body.statusCode === 400) this.logger.warn(`data exception reached the database: ${body.message}`);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ApiError {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      if (typeof answer === 'object' && answer !== null) {
        const a = answer as Partial<ApiError> & { message?: unknown };
        const message = Array.isArray(a.message) ? a.message.join('; ') : String(a.message ?? exception.message);
        return { statusCode: status, error: a.error ?? STATUS_TEXT[status] ?? 'Error', message, ...(a.issues ? { issues: a.issues } : {}) };
      }
      return { statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message: String(answer) };
    }
    const dataException = postgresDataException(exception);
    if (dataException !== null) {
      return { statusCode: 400, error: 'Bad Request', message: `body: a value the database cannot store (${dataException})` };
    }
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, error: 'Service Unavailable', message: 'database: unavailable, retry shortly' };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' };
  }
}
