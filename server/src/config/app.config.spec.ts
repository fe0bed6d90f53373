import { buildConfig, ConfigError, parseEnv } from './app.config.js';

describe('configuration from the environment', () => {
  const fails = (env: Record<string, string>) => {
    try {
      parseEnv(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('starts with defaults when nothing is set', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, TZ_ORG: 'Asia/Jakarta', CURRENCY: 'IDR', LOG_LEVEL: 'info', CORS_ORIGINS: [] });
  });

  it.each([
    ['PORT', 'eighty', 'PORT must be a port number (1-65535)'],
    ['PORT', '70000', 'PORT must be a port number (1-65535)'],
    ['DATABASE_URL', 'mysql://db/sales', 'DATABASE_URL must be a postgres:// URL'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL must be a redis:// URL'],
    ['SIMULATOR', 'yes', 'SIMULATOR must be "on" or "off"'],
    ['DEMO_DATA', 'true', 'DEMO_DATA must be "on" or "off"'],
    ['TZ_ORG', 'Asia/Atlantis', 'TZ_ORG must be an IANA time zone like Asia/Jakarta'],
    ['CURRENCY', 'rupiah', 'CURRENCY must be an ISO 4217 code like IDR'],
    ['ADMIN_EMAIL', 'admin', 'ADMIN_EMAIL must be an email address'],
    ['ADMIN_PASSWORD', 'short', 'ADMIN_PASSWORD must be at least 12 characters'],
    ['JWT_SECRET', 'secret', 'JWT_SECRET must be at least 32 characters'],
    ['CORS_ORIGINS', 'sales.example.com', 'CORS_ORIGINS must be origins like https://sales.example.com'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace'],
  ])('refuses %s=%s with one line naming it', (name, value, expected) => {
    const message = fails({ [name]: value });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`Invalid configuration: ${expected}`);
  });

  it('turns demo data and the simulator on only for the embedded database by default', () => {
    const env = parseEnv({});
    expect(buildConfig(env, 'postgres://x', true)).toMatchObject({ demoData: true, simulator: true });
    expect(buildConfig(env, 'postgres://x', false)).toMatchObject({ demoData: false, simulator: false });
    expect(buildConfig(parseEnv({ SIMULATOR: 'off' }), 'postgres://x', true)).toMatchObject({ demoData: true, simulator: false });
  });

  it('reads a list of allowed origins', () => {
    expect(parseEnv({ CORS_ORIGINS: 'https://a.example.com, http://tv.local:8080' }).CORS_ORIGINS).toEqual(['https://a.example.com', 'http://tv.local:8080']);
  });
});
