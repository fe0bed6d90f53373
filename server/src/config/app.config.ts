/**
 * The whole configuration, read from the environment once and validated at boot. A bad value
 * stops the start with one line that names the variable and what it should be.
 */
import { z } from 'zod';

const onOff = z.enum(['on', 'off'], { message: 'must be "on" or "off"' });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const origin = z.string().regex(/^https?:\/\/[^/\s]+$/, { message: 'must be origins like https://sales.example.com' });

export const envSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number (1-65535)' })
    .int({ message: 'must be a port number (1-65535)' })
    .min(0)
    .max(65535, { message: 'must be a port number (1-65535)' })
    .default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
    .optional(),
  SIMULATOR: onOff.optional(),
  SIMULATOR_INTERVAL_MS: z.coerce.number().int().min(50, { message: 'must be at least 50 (milliseconds)' }).default(2500),
  DEMO_DATA: onOff.optional(),
  /** `on`: reads (REST GETs, the live socket) need no credential. Default: on only in the embedded demo. */
  PUBLIC_READ: onOff.optional(),
  TZ_ORG: z.string().refine(isTimeZone, { message: 'must be an IANA time zone like Asia/Jakarta' }).default('Asia/Jakarta'),
  FISCAL_YEAR_START_MONTH: z.coerce.number().int().min(1).max(12, { message: 'must be a month number 1-12' }).default(1),
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code like IDR' })
    .default('IDR'),
  ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
  ADMIN_PASSWORD: z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(origin)),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  PIPEDRIVE_WEBHOOK_USER: z.string().min(1).optional(),
  PIPEDRIVE_WEBHOOK_PASSWORD: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], { message: 'must be one of fatal, error, warn, info, debug, trace' }).default('info'),
  /** `off` on replicas when a separate one-off job runs the migrations (see docker-compose.yml). */
  RUN_MIGRATIONS: onOff.default('on'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** REST requests a minute per signed-in user or display (0: no limit); API keys get ten times as many. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** REST requests a minute per client IP without a credential (public reads, webhooks, failed sign-ins); 0: no limit. */
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** Hops of reverse proxy in front (nginx: 1), so the client IP is read from X-Forwarded-For; 0 trusts none. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  DATA_DIR: z.string().optional(),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string | undefined;
  simulator: boolean;
  simulatorIntervalMs: number;
  demoData: boolean;
  timeZone: string;
  fiscalYearStartMonth: number;
  currency: string;
  corsOrigins: string[];
  logLevel: Env['LOG_LEVEL'];
  hubspotClientSecret: string | undefined;
  pipedriveUser: string | undefined;
  pipedrivePassword: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  jwtSecret: string | undefined;
  runMigrations: boolean;
  publicRead: boolean;
  rateLimitPerMinute: number;
  rateLimitIpPerMinute: number;
  trustProxyHops: number;
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message is one line per bad variable. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `Invalid configuration: ${name} ${issue.message} (got ${JSON.stringify(cleaned[name] ?? null)})`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  return result.data;
}

/**
 * Builds the runtime configuration. `databaseUrl` is given separately because without
 * DATABASE_URL the embedded PostgreSQL decides it at start; demo data and the simulator
 * default to on exactly in that embedded case.
 */
export function buildConfig(env: Env, databaseUrl: string, embedded: boolean): AppConfig {
  return {
    port: env.PORT,
    databaseUrl,
    redisUrl: env.REDIS_URL,
    simulator: (env.SIMULATOR ?? (embedded ? 'on' : 'off')) === 'on',
    simulatorIntervalMs: env.SIMULATOR_INTERVAL_MS,
    demoData: (env.DEMO_DATA ?? (embedded ? 'on' : 'off')) === 'on',
    timeZone: env.TZ_ORG,
    fiscalYearStartMonth: env.FISCAL_YEAR_START_MONTH,
    currency: env.CURRENCY,
    corsOrigins: env.CORS_ORIGINS,
    logLevel: env.LOG_LEVEL,
    hubspotClientSecret: env.HUBSPOT_CLIENT_SECRET,
    pipedriveUser: env.PIPEDRIVE_WEBHOOK_USER,
    pipedrivePassword: env.PIPEDRIVE_WEBHOOK_PASSWORD,
    adminEmail: env.ADMIN_EMAIL,
    adminPassword: env.ADMIN_PASSWORD,
    jwtSecret: env.JWT_SECRET,
    runMigrations: env.RUN_MIGRATIONS === 'on',
    publicRead: (env.PUBLIC_READ ?? (embedded ? 'on' : 'off')) === 'on',
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    rateLimitIpPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    metricsToken: env.METRICS_TOKEN,
  };
}

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
