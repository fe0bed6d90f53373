/**
 * The admin area's users and API keys: PATCH /api/users/:id with its effect on sessions (access
 * tokens refused, refresh tokens revoked, sockets dropped), the last-admin rule, audit rows and
 * `org.changed` on a real socket. Real logins against the real database.
 */
import request from 'supertest';
import type { AuditEntry, LiveEvent, User } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

const PASSWORD = 'a long enough password';
const UNKNOWN = '3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f';

describe('admin: users', () => {
  let t: TestApp;
  let org: Org;
  let teamB: { id: string; name: string };
  let manager: User;
  let repUser: User;
  let adminId: string;
  let live: RecordingClient;

  const login = async (email: string, password = PASSWORD) => (await request(t.baseUrl).post('/api/auth/login').send({ email, password }).expect(200)).body;
  const me = (token: string) => request(t.baseUrl).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const patchUser = (id: string, body: unknown, token = t.adminToken) =>
    request(t.baseUrl)
      .patch(`/api/users/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const lastAudit = async (action: string): Promise<AuditEntry> => (await t.api.get(`/api/audit?action=${action}&limit=1`).expect(200)).body[0];
  const orgChanged = (entity: string, id: string) => (e: LiveEvent) => e.type === 'org.changed' && e.payload.entity === entity && e.payload.id === id;

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 2);
    teamB = (await t.api.post('/api/teams').send({ name: 'Sumatera' }).expect(201)).body;
    manager = (
      await t.api
        .post('/api/users')
        .send({ email: 'hendra@example.co.id', name: 'Hendra', password: PASSWORD, role: 'manager', teamIds: [org.team.id] })
        .expect(201)
    ).body;
    repUser = (
      await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', password: PASSWORD, role: 'rep', repId: org.reps[0].id }).expect(201)
    ).body;
    adminId = (await me(t.adminToken).expect(200)).body.id;
    live = connectLive(t.baseUrl, { token: t.adminToken });
    await live.waitForSnapshot();
  });
  afterAll(async () => {
    live.close();
    await t.close();
  });

  it('renames a user, keeps the managed teams’ manager name in step, audits and announces it', async () => {
    const answer = await patchUser(manager.id, { name: 'Hendra Wijaya' }).expect(200);
    expect(answer.body).toMatchObject({ id: manager.id, name: 'Hendra Wijaya', role: 'manager', teamIds: [org.team.id], active: true });
    const [row] = await t.db.query('SELECT name FROM users WHERE id = $1', [manager.id]);
    expect(row.name).toBe('Hendra Wijaya');
    const [team] = await t.db.query('SELECT manager_user_id, manager_name FROM teams WHERE id = $1', [org.team.id]);
    expect(team).toEqual({ manager_user_id: manager.id, manager_name: 'Hendra Wijaya' });
    const event = await live.waitForEvent(orgChanged('user', manager.id));
    expect(event.payload).toEqual({ entity: 'user', id: manager.id, name: 'Hendra Wijaya' });
    const audit = await lastAudit('user.update');
    expect(audit).toMatchObject({ actorKind: 'user', actorId: adminId, action: 'user.update', target: `user:${manager.id}` });
    expect(audit.details).toEqual({ name: { from: 'Hendra', to: 'Hendra Wijaya' } });
    expect(audit.ip).toBeTruthy();
  });

  it('replaces the teams a manager manages, clearing the ones they no longer do', async () => {
    const token = (await login('hendra@example.co.id')).accessToken as string;
    await patchUser(manager.id, { teamIds: [teamB.id] }).expect(200);
    const teams = await t.db.query('SELECT id, manager_user_id, manager_name FROM teams ORDER BY name');
    expect(teams).toEqual(
      expect.arrayContaining([
        { id: org.team.id, manager_user_id: null, manager_name: null },
        { id: teamB.id, manager_user_id: manager.id, manager_name: 'Hendra Wijaya' },
      ]),
    );
    // The manager's token carried the old teams: it must be refreshed, and the refresh carries the new ones.
    await me(token).expect(401);
    const fresh = await login('hendra@example.co.id');
    expect((await me(fresh.accessToken).expect(200)).body.teamIds).toEqual([teamB.id]);
    expect((await lastAudit('user.update')).details).toEqual({ teamIds: { from: [org.team.id], to: [teamB.id] } });
    await patchUser(manager.id, { teamIds: [org.team.id, teamB.id] }).expect(200);
  });

  it('answers bad bodies and ids with a 400 naming what is wrong, and writes nothing', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM audit_log');
    expect((await patchUser(manager.id, {}).expect(400)).body.message).toBe('body: names no field to change');
    expect((await patchUser(manager.id, { active: 'yes' }).expect(400)).body.message).toMatch(/^active: /);
    expect((await patchUser(manager.id, { nickname: 'x' }).expect(400)).body.message).toMatch(/^nickname: is not a known field/);
    expect((await patchUser(manager.id, { password: 'short' }).expect(400)).body.message).toBe('password: must be at least 12 characters');
    expect((await patchUser(manager.id, { repId: UNKNOWN }).expect(400)).body.message).toBe(`repId: no rep with id ${UNKNOWN}`);
    expect((await patchUser(manager.id, { teamIds: [UNKNOWN] }).expect(400)).body.message).toBe(`teamIds: no team with id ${UNKNOWN}`);
    expect((await patchUser(manager.id, { role: 'rep' }).expect(400)).body.message).toBe('repId: a rep account must name its rep');
    expect((await patchUser(repUser.id, { teamIds: [org.team.id] }).expect(400)).body.message).toBe('teamIds: only a manager manages teams');
    expect((await patchUser('not-a-uuid', { name: 'x' }).expect(400)).body.message).toBe('id: must be a UUID');
    expect((await patchUser(UNKNOWN, { name: 'x' }).expect(404)).body.message).toBe(`user ${UNKNOWN} does not exist`);
    expect(await t.db.query('SELECT count(*)::int AS n FROM audit_log')).toEqual(before);
  });

  it('lets only admins change users', async () => {
    const managerToken = (await login('hendra@example.co.id')).accessToken as string;
    const repToken = (await login('ayu@example.co.id')).accessToken as string;
    await patchUser(repUser.id, { name: 'x' }, managerToken).expect(403);
    await patchUser(repUser.id, { name: 'x' }, repToken).expect(403);
    await request(t.baseUrl).patch(`/api/users/${repUser.id}`).send({ name: 'x' }).expect(401);
  });

  it('refuses to demote or deactivate the last active admin (409)', async () => {
    expect((await patchUser(adminId, { role: 'manager' }).expect(409)).body.message).toMatch(/^role: .* is the last active admin/);
    expect((await patchUser(adminId, { active: false }).expect(409)).body.message).toMatch(/^active: .* is the last active admin/);
    const [row] = await t.db.query('SELECT role, active FROM users WHERE id = $1', [adminId]);
    expect(row).toEqual({ role: 'admin', active: true });
    // With a second admin, the first may step down; then the second is the last one.
    const second = (await t.api.post('/api/users').send({ email: 'dewi@example.co.id', name: 'Dewi', password: PASSWORD, role: 'admin' }).expect(201))
      .body as User;
    const secondToken = (await login('dewi@example.co.id')).accessToken as string;
    await patchUser(adminId, { role: 'manager' }, secondToken).expect(200);
    await patchUser(second.id, { active: false }, secondToken).expect(409);
    await patchUser(adminId, { role: 'admin' }, secondToken).expect(200);
    // The first admin's token was refused by the demotion; the suite goes on with a fresh one.
    await me(t.adminToken).expect(401);
    t.adminToken = (await login('admin@salesboard.test', 'correct horse battery staple')).accessToken;
    t.api = request.agent(t.baseUrl).set('Authorization', `Bearer ${t.adminToken}`);
    live.close();
    live = connectLive(t.baseUrl, { token: t.adminToken });
    await live.waitForSnapshot();
  });

  it('deactivating a user refuses their access token, revokes their refresh token and drops their socket within a second', async () => {
    const session = await login('ayu@example.co.id');
    await me(session.accessToken).expect(200);
    const socket = connectLive(t.baseUrl, { token: session.accessToken });
    await socket.waitForSnapshot();
    const dropped = new Promise<number>((resolve) => socket.socket.on('disconnect', () => resolve(Date.now())));
    const started = Date.now();
    await patchUser(repUser.id, { active: false }).expect(200);
    const droppedAt = await Promise.race([dropped, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 1000))]);
    expect(droppedAt).not.toBe(-1);
    expect(droppedAt - started).toBeLessThan(1000);
    await me(session.accessToken).expect(401);
    await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: PASSWORD }).expect(401);
    // A reconnect with the old token is refused too.
    const again = connectLive(t.baseUrl, { token: session.accessToken });
    const error = await new Promise<Error>((resolve) => again.socket.on('connect_error', resolve));
    expect(error.message).toMatch(/unauthorized/);
    again.close();
    socket.close();
    const [revoked] = await t.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [repUser.id]);
    expect(revoked.n).toBe(0);
    expect((await lastAudit('user.update')).details).toEqual({ active: { from: true, to: false } });
    await patchUser(repUser.id, { active: true }).expect(200);
    await login('ayu@example.co.id');
  });

  it('a role change signs the user out, and a new login right after works with the new role', async () => {
    const session = await login('ayu@example.co.id');
    await patchUser(repUser.id, { role: 'manager', repId: null, teamIds: [teamB.id] }).expect(200);
    await me(session.accessToken).expect(401);
    const fresh = await login('ayu@example.co.id');
    expect((await me(fresh.accessToken).expect(200)).body).toMatchObject({ role: 'manager', teamIds: [teamB.id], repId: null });
    const audit = await lastAudit('user.update');
    expect(audit.details).toMatchObject({
      role: { from: 'rep', to: 'manager' },
      repId: { from: org.reps[0].id, to: null },
      teamIds: { from: [], to: [teamB.id] },
    });
    // teamB was Hendra's: he lost it, and the team has one manager.
    const [team] = await t.db.query('SELECT manager_user_id FROM teams WHERE id = $1', [teamB.id]);
    expect(team.manager_user_id).toBe(repUser.id);
    await patchUser(repUser.id, { role: 'rep', repId: org.reps[0].id }).expect(200);
    const [cleared] = await t.db.query('SELECT count(*)::int AS n FROM teams WHERE manager_user_id = $1', [repUser.id]);
    expect(cleared.n).toBe(0);
  });

  it('sets a password with argon2id, revoking sessions, and never writes it to the audit log', async () => {
    const session = await login('ayu@example.co.id');
    await patchUser(repUser.id, { password: 'a brand new passphrase' }).expect(200);
    await me(session.accessToken).expect(401);
    await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: PASSWORD }).expect(401);
    await login('ayu@example.co.id', 'a brand new passphrase');
    const [row] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [repUser.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const audit = await lastAudit('user.update');
    expect(audit.details).toEqual({ password: '(changed)' });
    const all = JSON.stringify((await t.api.get('/api/audit?limit=500').expect(200)).body);
    expect(all).not.toContain('a brand new passphrase');
    expect(all).not.toContain(row.password_hash);
  });

  it('audits and announces API keys created and revoked', async () => {
    const key = (
      await t.api
        .post('/api/keys')
        .send({ name: 'BI export', scopes: ['read'] })
        .expect(201)
    ).body;
    await live.waitForEvent(orgChanged('apiKey', key.id));
    expect(await lastAudit('apiKey.create')).toMatchObject({ target: `apiKey:${key.id}`, details: { name: 'BI export', scopes: ['read'] } });
    await t.api.delete(`/api/keys/${key.id}`).expect(200);
    expect(await lastAudit('apiKey.revoke')).toMatchObject({ target: `apiKey:${key.id}` });
    expect(
      JSON.stringify(
        await t.api
          .get('/api/audit?action=apiKey')
          .expect(200)
          .then((r) => r.body),
      ),
    ).not.toContain(key.key);
    await request(t.baseUrl).get('/api/teams').set('Authorization', `Bearer ${key.key}`).expect(401);
    await t.api.delete(`/api/keys/${UNKNOWN}`).expect(404);
  });

  it('pages the audit log by `before` without skipping or repeating entries, and filters it', async () => {
    const all = (await t.api.get('/api/audit?limit=500').expect(200)).body as AuditEntry[];
    expect(all.length).toBeGreaterThan(6);
    const paged: AuditEntry[] = [];
    let before: string | undefined;
    for (;;) {
      const page = (await t.api.get(`/api/audit?limit=3${before ? `&before=${encodeURIComponent(before)}` : ''}`).expect(200)).body as AuditEntry[];
      if (page.length === 0) break;
      paged.push(...page);
      before = page[page.length - 1].at;
    }
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const users = (await t.api.get('/api/audit?action=user').expect(200)).body as AuditEntry[];
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((e) => e.action.startsWith('user.'))).toBe(true);
    const byActor = (await t.api.get(`/api/audit?actorId=${adminId}`).expect(200)).body as AuditEntry[];
    expect(byActor.every((e) => e.actorId === adminId)).toBe(true);
    expect((await t.api.get('/api/audit?before=yesterday').expect(400)).body.message).toBe('before: must be an ISO-8601 instant');
    expect((await t.api.get('/api/audit?limit=0').expect(400)).body.message).toMatch(/^limit: /);
    expect((await t.api.get('/api/audit?colour=red').expect(400)).body.message).toBe('colour: is not a known field');
  });
});
