/**
 * GET /api/audit names what each entry changed: `targetName` is the team's, rep's, board's …
 * name as the database holds it now, or the name the entry recorded once the thing is gone, so
 * the admin screen shows "Team · Jakarta Raya" instead of a UUID. Real database, real routes.
 */
import type { AuditEntry, Board, Stage } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createOrg, type Org } from './support/fixtures.js';

describe('audit log: target names', () => {
  let t: TestApp;
  let org: Org;

  const entries = async (): Promise<AuditEntry[]> => (await t.api.get('/api/audit?limit=500').expect(200)).body as AuditEntry[];

  /** The name of each target as an independent query of the entity's own table gives it, or null. */
  async function namesInDatabase(targets: string[]): Promise<Map<string, string | null>> {
    const tables: Record<string, { table: string; key: string; name: string }> = {
      user: { table: 'users', key: 'id', name: 'name' },
      team: { table: 'teams', key: 'id', name: 'name' },
      rep: { table: 'reps', key: 'id', name: 'name' },
      territory: { table: 'territories', key: 'id', name: 'name' },
      apiKey: { table: 'api_keys', key: 'id', name: 'name' },
      board: { table: 'boards', key: 'id', name: 'name' },
      stage: { table: 'stages', key: 'key', name: 'label' },
    };
    const names = new Map<string, string | null>();
    for (const target of targets) {
      const [kind, id] = target.split(':');
      const where = tables[kind];
      if (!where) continue;
      const rows: { name: string }[] = await t.db.query(`SELECT ${where.name} AS name FROM ${where.table} WHERE ${where.key}::text = $1`, [id]);
      names.set(target, rows[0]?.name ?? null);
    }
    return names;
  }

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 2);
  }, 60_000);
  afterAll(async () => t?.close());

  it('names the team, rep, territory, user, key, stage and quota target as they are called now', async () => {
    await t.api.patch(`/api/teams/${org.team.id}`).send({ name: 'Jakarta Selatan' }).expect(200);
    await t.api.patch(`/api/reps/${org.reps[0].id}`).send({ name: 'Ayu Lestari' }).expect(200);
    await t.api.post('/api/users').send({ email: 'dewi@example.co.id', name: 'Dewi', password: 'a long enough password', role: 'manager' }).expect(201);
    await t.api
      .post('/api/keys')
      .send({ name: 'HubSpot sync', scopes: ['read'] })
      .expect(201);
    const stage = (await t.api.patch('/api/stages/proposal').send({ label: 'Penawaran' }).expect(200)).body as Stage;
    await t.api.put('/api/quotas').send({ repId: org.reps[1].id, period: 'month', periodStart: '2026-01-01', amount: '10000000' }).expect(200);

    const all = await entries();
    const byTarget = new Map(all.filter((entry) => entry.target !== null).map((entry) => [entry.target!, entry.targetName]));
    const expected = await namesInDatabase([...byTarget.keys()]);
    // Every kind this test wrote is there, and each carries the name its own table gives now.
    for (const target of [`team:${org.team.id}`, `rep:${org.reps[0].id}`, `rep:${org.reps[1].id}`, `territory:${org.territory.id}`, `stage:${stage.key}`]) {
      expect(byTarget.has(target)).toBe(true);
    }
    for (const [target, name] of expected) expect({ target, name: byTarget.get(target) }).toEqual({ target, name });
    // The rename shows on the older entries too: the name is read now, not when the entry was written.
    const teamEntries = all.filter((entry) => entry.target === `team:${org.team.id}`);
    expect(teamEntries.length).toBeGreaterThanOrEqual(2);
    for (const entry of teamEntries) expect(entry.targetName).toBe('Jakarta Selatan');
    expect(all.find((entry) => entry.action === 'apiKey.create' && entry.targetName === 'HubSpot sync')).toBeDefined();
    expect(all.find((entry) => entry.action === 'user.create')?.targetName).toBe('Dewi');
    expect(all.find((entry) => entry.action === 'stage.update')?.targetName).toBe('Penawaran');
  });

  it('keeps the recorded name of a deleted board, and answers null for a target it cannot name', async () => {
    const board = (
      await t.api
        .post('/api/boards')
        .send({ name: 'Lantai dua', scenes: [{ kind: 'leaderboard', seconds: 30 }] })
        .expect(201)
    ).body as Board;
    await t.api.delete(`/api/boards/${board.id}`).expect(200);
    // Rows the routes do not write, but an old or hand-made row might hold: none may break the list.
    await t.db.query(
      `INSERT INTO audit_log (actor_kind, action, target, details) VALUES
         ('system', 'team.update', 'team:not-a-uuid', NULL),
         ('system', 'team.update', 'team:3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f', '{"name": {"from": "A", "to": "B"}}'),
         ('system', 'thing.update', 'thing', NULL)`,
    );

    const all = await entries();
    const deleted = all.find((entry) => entry.action === 'board.delete' && entry.target === `board:${board.id}`);
    expect(deleted?.targetName).toBe('Lantai dua');
    expect(all.find((entry) => entry.action === 'board.create' && entry.target === `board:${board.id}`)?.targetName).toBe('Lantai dua');
    expect(all.find((entry) => entry.target === 'team:not-a-uuid')?.targetName).toBeNull();
    // A changed name recorded as { from, to } is not a name: nothing rather than JSON.
    expect(all.find((entry) => entry.target === 'team:3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f')?.targetName).toBeNull();
    expect(all.find((entry) => entry.target === 'thing')?.targetName).toBeNull();
  });
});
