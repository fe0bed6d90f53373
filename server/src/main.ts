/**
 * `npm start`: validate the configuration, start the embedded PostgreSQL when no
 * DATABASE_URL is given, migrate, serve, and shut down in the right order on SIGTERM.
 */
import 'reflect-metadata';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { LivePublisher } from './live/live.publisher.js';
import { createPino } from './observability/logger.js';
import { buildConfig, ConfigError, parseEnv } from './config/app.config.js';
import { type EmbeddedDatabase, EmbeddedStartError, ensureDatabase, startEmbeddedPostgres } from './database/embedded.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const pino = createPino({ logLevel: env.LOG_LEVEL });
  const logger = pino.child({ context: 'Salesboard' });

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = resolve(REPO_ROOT, env.DATA_DIR ?? '.data/postgres');
    logger.info(`no DATABASE_URL: starting the embedded PostgreSQL in ${dataDir} on port ${env.EMBEDDED_PG_PORT}`);
    embedded = await startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_PG_PORT, log: (line) => logger.warn(line) });
    databaseUrl = await ensureDatabase(embedded.url, 'salesboard');
  }

  const config = buildConfig(env, databaseUrl, embedded !== null);
  const app = await createApp(config, pino);
  await app.listen(config.port);
  logger.info(`Salesboard is live on http://localhost:${config.port} (wallboard: /tv, API docs: /api/docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: draining`);
    const deadline = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    // Clients first (they reconnect to another node), then the app (it stops accepting and
    // finishes in-flight writes), the database it writes to last.
    app.get(LivePublisher).dropConnectionsForShutdown();
    await app.close().catch((error: unknown) => logger.error(`close failed: ${String(error)}`));
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // A start refused for a reason we can name needs that line, not a stack trace.
  if (error instanceof EmbeddedStartError) console.error(`The embedded PostgreSQL did not start: ${error.message}`);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
