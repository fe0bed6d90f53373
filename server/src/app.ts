/**
 * Builds the Nest application the same way for `npm start` and for the tests: API under
 * /api, socket.io at /socket.io, the built client at /, errors in the contract's shape.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger as Pino } from 'pino';
import type { Server, ServerOptions } from 'socket.io';
import { AppModule } from './app.module.js';
import { attachRedisAdapter } from './live/redis-adapter.js';
import { SlicedAdapter } from './live/sliced-broadcast.js';
import { createPino, PinoNestLogger } from './observability/logger.js';
import { MetricsService } from './observability/metrics.service.js';
import { requestLog } from './observability/request-log.js';
import { answerClientErrors } from './common/client-error.js';
import { CONTENT_SECURITY_POLICY } from './common/content-security-policy.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import type { AppConfig } from './config/app.config.js';

/** Where `npm run build -w client` puts the client. */
export const CLIENT_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../client/dist');

/**
 * socket.io options that the gateway decorator cannot know (limits, the allowed origins), and
 * nothing per socket: a connected socket costs what socket.io needs and what the live gateway
 * binds on its namespace.
 */
class LiveIoAdapter extends IoAdapter {
  constructor(
    app: INestApplication,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...(options as ServerOptions),
      // Client messages are small (resync, subscribe); anything bigger is not ours.
      maxHttpBufferSize: 16 * 1024,
      // Cross-site WebSocket hijacking: a browser on another site sends its own Origin.
      allowRequest: (request, callback) => callback(null, originAllowed(request.headers.origin, request.headers.host, this.config.corsOrigins)),
      cors: this.config.corsOrigins.length ? { origin: this.config.corsOrigins, credentials: true } : undefined,
      pingInterval: 25_000,
      pingTimeout: 20_000,
      // Broadcasts to many sockets are written a few milliseconds at a time (live/sliced-broadcast.ts).
      adapter: SlicedAdapter,
    });
    if (this.config.redisUrl) attachRedisAdapter(server, this.config.redisUrl);
    // Engine.io keeps each connection's upgrade request (headers, the parsed URL, the TCP socket's
    // bookkeeping) for as long as it lives. Nothing reads it after the handshake: the gateway
    // reads `handshake.auth`, which is the CONNECT packet's, not the request's.
    server.engine.on('connection', (connection: { request: IncomingMessage | null }) => {
      connection.request = null;
    });
    return server;
  }

  /**
   * Nest would hang its gateway plumbing on every connection: rxjs subjects and subscribers per
   * socket and message, and a disconnect listener. The one gateway, /live, binds its handlers on
   * the namespace itself (live.gateway.ts) and declares no @SubscribeMessage for Nest to bind.
   */
  override bindClientConnect(): void {}
}

export async function createApp(config: AppConfig, log: Pino = createPino(config)): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new PinoNestLogger(log),
    bodyParser: false,
  });
  app.use(requestLog(log, app.get(MetricsService)));
  // Behind nginx the client's address is in X-Forwarded-For: rate limits and the audit log need it.
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  const clientPolicy = helmet.contentSecurityPolicy({ useDefaults: false, directives: CONTENT_SECURITY_POLICY });
  // Swagger UI's page carries an inline <style> (its script is a file): the API docs alone may
  // style inline; they hold no user data to inject into.
  const docsPolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { ...CONTENT_SECURITY_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] },
  });
  app.use((request: Request, response: Response, next: NextFunction) =>
    (request.path.startsWith('/api/docs') ? docsPolicy : clientPolicy)(request, response, next),
  );
  answerClientErrors(app.getHttpServer());
  // Webhook signatures are computed over the exact bytes sent: those routes keep them.
  app.use(
    express.json({
      limit: '1mb',
      verify: (request: IncomingMessage & { rawBody?: Buffer }, _response, body) => {
        if (request.url?.startsWith('/api/webhooks/')) request.rawBody = body;
      },
    }),
    answerBodyErrors,
  );
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useWebSocketAdapter(new LiveIoAdapter(app, config));
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: true });
  // No enableShutdownHooks(): main.ts owns SIGTERM, so the sockets, the app and the embedded
  // database close once each and in that order.

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Salesboard API').setDescription('Deals, pipeline, KPIs and the live stream of a sales team.').setVersion('0.1.0').build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  serveClient(app);
  return app;
}

/**
 * Browsers always send Origin on a WebSocket handshake: it must be this server itself or one
 * of CORS_ORIGINS. Clients that are not browsers (scripts, the tests) send none and are judged
 * by their credential alone.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** body-parser's failures in the contract's shape: they happen before any Nest filter runs. */
function answerBodyErrors(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  const failure = error as { status?: unknown; type?: unknown };
  if (typeof failure?.status !== 'number' || typeof failure.type !== 'string') return next(error);
  const message =
    failure.type === 'entity.too.large'
      ? 'body: larger than the limit of 1 MB'
      : failure.type === 'entity.parse.failed'
        ? 'body: is not valid JSON'
        : `body: ${failure.type}`;
  const statusCode = failure.status;
  response.status(statusCode).json({ statusCode, error: statusCode === 413 ? 'Payload Too Large' : 'Bad Request', message });
}

/** The built client at `/`, with the single-page routes (/tv, /me, /admin) falling back to index.html. */
function serveClient(app: NestExpressApplication): void {
  if (!existsSync(join(CLIENT_DIST, 'index.html'))) return;
  app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1y', immutable: true, setHeaders: noCacheForHtml }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || request.path.startsWith('/api') || request.path.startsWith('/socket.io') || request.path === '/metrics') return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(join(CLIENT_DIST, 'index.html'));
  });
}

function noCacheForHtml(response: Response, path: string): void {
  // Hashed assets may be cached forever; the HTML that names them must be revalidated.
  if (path.endsWith('.html')) response.setHeader('Cache-Control', 'no-cache');
}
