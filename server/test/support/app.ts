/** Boots the real application on a real database, listening on a free port. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.js';
import { buildConfig, parseEnv } from '../../src/config/app.config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  db: TestDatabase;
  close(): Promise<void>;
}

export async function bootTestApp(env: Record<string, string> = {}, db?: TestDatabase): Promise<TestApp> {
  const database = db ?? (await createTestDatabase());
  const parsed = parseEnv({ LOG_LEVEL: 'error', SIMULATOR: 'off', DEMO_DATA: 'off', ...env, DATABASE_URL: database.url });
  const config = buildConfig(parsed, database.url, false);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    db: database,
    close: async () => {
      await app.close();
      if (!db) await database.drop();
    },
  };
}
