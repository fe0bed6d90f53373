/**
 * Issue #13, the edge: CSV that cannot turn into a spreadsheet formula or merge rows, the
 * headers and answers a browser or scraper sees first, and a start that says why it stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import request from 'supertest';
import type { ImportJob } from '@salesboard/shared';
import { ConfigError, parseEnv } from '../src/config/app.config.js';
import { freePort } from '../src/database/embedded.js';
import { csvLine } from '../src/ingest/csv-write.js';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';
import { bootTestApp, type TestApp } from './support/app.js';
import { createOrg, type Org } from './support/fixtures.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const NOT_A_FORMULA = /^[-+]?(\d+(\.\d+)?(e[-+]?\d+)?)?$/i;
const SEPARATORS = [',', ';', '\t'];

/**
 * The fields that would start a formula when a spreadsheet splits `csv` on `separator`, reading
 * a quote as special only at a field's start, as Excel does: with a semicolon separator a comma
 * file's quoted cell `"x;=1+1"` becomes the fields `"x` and `=1+1"`.
 */
function formulaFields(csv: string, separator: string): string[] {
  return csv
    .split(/\r\n|\r|\n/)
    .flatMap((line) => line.split(separator))
    .map((field) =>
      field
        .replace(/^\uFEFF/, '')
        .replace(/^"/, '')
        .replace(/"$/, ''),
    )
    .filter((field) => /^[=+\-@]/.test(field) && !NOT_A_FORMULA.test(field));
}

describe('CSV exports cannot become spreadsheet formulas', () => {
  const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', "'", 'x', '1', '.', ' ', 'é') });

  it('reads any text back as one cell holding it, with apostrophes only before what would start a formula', () => {
    fc.assert(
      fc.property(text, (value) => {
        const [[cell, end]] = parse(csvLine([value, 'end'])) as string[][];
        expect(end).toBe('end');
        expect(cell.replaceAll("'", '')).toBe(value.replaceAll("'", ''));
        if (FORMULA_START.test(value) && !NOT_A_FORMULA.test(value)) expect(cell.startsWith("'")).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes nothing that starts a formula, whether a spreadsheet splits on commas, semicolons or tabs', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (values) => {
        // Every export starts its rows with an id, a rank or a section name, never a negative number.
        const line = csvLine(['7', ...values]);
        for (const separator of SEPARATORS) expect(formulaFields(line, separator)).toEqual([]);
        // Unquoted, a cell holds no separator that could cut it.
        for (const value of values) {
          const cell = csvLine([value]).slice(0, -2);
          if (!cell.startsWith('"')) expect(cell).not.toMatch(/[",;\t\r\n]/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('quotes a cell holding a semicolon, and neutralises the formula after it: `x;=1+1` is never `=1+1`', () => {
    expect(csvLine(['x;=1+1', 'a\tb', 'plain'])).toBe('"x;\'=1+1","a\tb",plain\r\n');
  });

  it('keeps negative amounts numbers, and neutralises a formula that starts with a minus', () => {
    expect(csvLine(['-1500.00', -3, '-', 'Rp 100,-', "-2+3+cmd|' /C calc'!A0", '@SUM(A1)', '+62 812 555'])).toBe(
      '-1500.00,-3,-,"Rp 100,\'-","\'-2+3+cmd|\' /C calc\'!A0","\'@SUM(A1)","\'+62 812 555"\r\n',
    );
  });
});

describe('CSV files through the API', () => {
  let t: IngestTestApp;
  let org: Org;

  beforeAll(async () => {
    t = await bootIngestApp();
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  const upload = (csv: string, name: string) => t.api.post('/api/import/deals').attach('file', Buffer.from(csv), name);

  it('exports a deal named `x;=1+1` quoted, and every name that starts a formula with an apostrophe', async () => {
    await t.api.post('/api/deals').send({ name: 'x;=1+1', ownerId: org.reps[0].id, amount: '1500', stage: 'proposal' }).expect(201);
    await t.api.post('/api/deals').send({ name: '-1+1', ownerId: org.reps[0].id, amount: '1500', stage: 'proposal' }).expect(201);
    const text = (await t.api.get(`/api/export/deals.csv?repId=${org.reps[0].id}`).expect(200)).text;
    expect(text).toContain(`,"x;'=1+1",`);
    expect(text).toContain(`,"'-1+1",`);
    // Opened where the list separator is a semicolon (or a comma, or a tab), no field starts a formula.
    for (const separator of SEPARATORS) expect(formulaFields(text, separator)).toEqual([]);
  });

  it("neutralises formulas in the rejected rows' CSV too, which holds the file's own cells", async () => {
    const job = (await upload('Record ID,Deal Name,Deal owner,Deal Stage\nf-1,=HYPERLINK("http://x"),Rep 1,No such stage\n', 'formula.csv').expect(201))
      .body as ImportJob;
    expect(job).toMatchObject({ rowsRead: 1, rejected: 1 });
    const rejected = (await t.api.get(job.rejectedCsvUrl).expect(200)).text;
    expect(rejected).toContain(`,"'=HYPERLINK(""http://x"")",`);
  });

  it('rejects a row whose stray quote swallows the rows after it, with its line and reason, and imports those rows', async () => {
    const csv = [
      'Record ID,Deal Name,Deal owner',
      's-1,Before the stray quote,Rep 1',
      's-2,"Stray quote,Rep 2',
      's-3,Swallowed once,Rep 1',
      's-4,"Quoted" at last,Rep 2',
    ].join('\r\n');
    const before = await t.db.query('SELECT external_id, name FROM deals ORDER BY id');
    const job = (await upload(csv, 'stray.csv').expect(201)).body as ImportJob;
    expect(job).toMatchObject({ status: 'completed', rowsRead: 4, rejected: 1, created: 3 });
    const rejected = parse((await t.api.get(job.rejectedCsvUrl).expect(200)).text, { relax_column_count: true }) as string[][];
    expect(rejected.slice(1).map(([line, reason]) => [line, reason])).toEqual([['3', expect.stringMatching(/quote/)]]);
    const imported = await t.db.query<{ external_id: string; name: string }>(
      "SELECT external_id, name FROM deals WHERE external_id LIKE 's-%' ORDER BY external_id",
    );
    expect(imported).toEqual([
      { external_id: 's-1', name: 'Before the stray quote' },
      { external_id: 's-3', name: 'Swallowed once' },
      { external_id: 's-4', name: '"Quoted" at last' },
    ]);
    expect((await t.db.query('SELECT external_id, name FROM deals ORDER BY id')).length).toBe(before.length + 3);
  });
});

/** A policy's directives by name, whatever its spacing. */
function directivesOf(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

describe('the HTTP edge', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ METRICS_TOKEN: 'scrape-token-0123456789' });
  });
  afterAll(async () => t.close());

  it('sends a Content-Security-Policy that allows no inline script and no connection elsewhere', async () => {
    for (const path of ['/tv', '/api/health']) {
      const policy = (await request(t.baseUrl).get(path)).headers['content-security-policy'] as string | undefined;
      expect(policy).toBeDefined();
      const directives = directivesOf(policy!);
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('connect-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'self'"]);
    }
  });

  it("lets only the API docs page style inline (Swagger UI's own <style>), its scripts still files only", async () => {
    const docs = await request(t.baseUrl).get('/api/docs/').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('<style>');
    const directives = directivesOf(docs.headers['content-security-policy'] as string);
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directivesOf((await request(t.baseUrl).get('/tv')).headers['content-security-policy'] as string).get('style-src')).toEqual(["'self'"]);
  });

  it('has nginx send the same policy with the client it serves', async () => {
    const policy = (await request(t.baseUrl).get('/tv')).headers['content-security-policy'] as string;
    const nginx = readFileSync(resolve(import.meta.dirname, '../../deploy/nginx.conf'), 'utf8');
    const sent = /add_header Content-Security-Policy "([^"]+)";/.exec(nginx)?.[1];
    expect(sent).toBeDefined();
    expect(directivesOf(sent!)).toEqual(directivesOf(policy));
  });

  it('asks for the METRICS_TOKEN at /metrics when one is set', async () => {
    const refused = await request(t.baseUrl).get('/metrics').expect(401);
    expect(refused.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'authorization: /metrics needs "Bearer <METRICS_TOKEN>"' });
    await request(t.baseUrl).get('/metrics').set('Authorization', 'Bearer scrape-token-wrong-wrong').expect(401);
    // An admin's token is not the scrape token: the scraper's credential is its own.
    await t.api.get('/metrics').expect(401);
    const scraped = await request(t.baseUrl).get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789').expect(200);
    expect(scraped.text).toContain('salesboard_event_log_head');
  });

  it('refuses a METRICS_TOKEN too short to be a secret, naming it', () => {
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });

  it('answers a request whose headers are too large with a 431 in JSON', async () => {
    const { port } = new URL(t.baseUrl);
    const answer = await new Promise<string>((resolveAnswer, reject) => {
      const socket = net.connect({ port: Number(port), host: '127.0.0.1' }, () => {
        socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolveAnswer(received));
      socket.on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\ncontent-type: application\/json/i);
    expect(JSON.parse(body)).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: 'headers: larger than the limit of 16 KB (a cookie or token too large?)',
    });
  });
});

describe('npm start when the embedded PostgreSQL port is taken', () => {
  const SERVER_MAIN = resolve(import.meta.dirname, '../dist/main.js');
  let squatter: net.Server;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'salesboard-taken-'));
    squatter = net.createServer();
    await new Promise<void>((resolveListen) => squatter.listen(0, '127.0.0.1', resolveListen));
  });
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await new Promise((resolveClose) => squatter.close(resolveClose));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says which port is taken and what to set, and exits with an error', async () => {
    const pgPort = (squatter.address() as net.AddressInfo).port;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolveExit) => child!.once('exit', resolveExit));
    expect(code).not.toBe(0);
    expect(output).toContain(`port ${pgPort} is taken (another Salesboard?): set EMBEDDED_PG_PORT to a free port`);
    expect(output).not.toMatch(/^undefined$/m);
  });
});
