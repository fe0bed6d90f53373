/**
 * What every HTTP request gets on its way in: an id, and once it is answered, a log line and its
 * count and duration in the metrics. Plain Express middleware, run before Nest routes the request.
 *
 * Why not pino-http and a Nest interceptor: pino-http built a child logger per request and
 * serialised the request's headers into it up front, logged or not, and any global interceptor
 * puts Nest's rxjs pipeline on every handler. Together they were a sixth of the server's time per
 * stage change. Here nothing is serialised unless its line is written.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger as Pino } from 'pino';
import type { MetricsService } from './metrics.service.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request's id: its X-Request-Id when sane, else a new one; events it writes carry it. */
    id?: string;
  }
}

const REQUEST_ID = /^[\w.-]{1,100}$/;
/** Polled by probes and scrapers every few seconds: a line each would drown the log. */
const UNLOGGED = new Set(['/api/health', '/metrics']);

/** A caller's X-Request-Id when it is sane, else a new one; echoed back. */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

export function requestLog(log: Pino, metrics: Pick<MetricsService, 'httpRequests' | 'httpDuration'>) {
  return (request: Request, response: Response, next: NextFunction): void => {
    request.id = requestIdOf(request, response);
    const started = process.hrtime.bigint();
    const answered = (): void => {
      response.off('finish', answered);
      response.off('close', answered);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Counted by route pattern (not URL, which would explode the labels); static files and
      // unknown paths match no route and are not counted, as before.
      const route = (request.route as { path?: string } | undefined)?.path;
      if (route !== undefined) {
        metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
        metrics.httpDuration.observe({ method: request.method, route }, seconds);
      }
      if (UNLOGGED.has(request.url)) return;
      const failed = response.statusCode >= 500 || !response.writableFinished;
      const level = failed ? 'error' : response.statusCode >= 400 ? 'warn' : 'info';
      if (!log.isLevelEnabled(level)) return;
      log[level](
        {
          req: { id: request.id, method: request.method, url: request.originalUrl, remoteAddress: request.ip },
          res: { statusCode: response.statusCode },
          responseTime: Math.round(seconds * 1000),
        },
        failed ? 'request errored' : 'request completed',
      );
    };
    response.on('finish', answered);
    response.on('close', answered);
    next();
  };
}
