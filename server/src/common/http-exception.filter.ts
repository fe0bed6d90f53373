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
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, error: 'Service Unavailable', message: 'database: unavailable, retry shortly' };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' };
  }
}
