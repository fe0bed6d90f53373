/**
 * The cast of the access tests: one caller per role, each with a real credential got the way a
 * real client gets it (a login, an API key an admin created, a TV paired by RFC 8628's flow).
 */
import request from 'supertest';
import type { CreatedApiKey, Deal, PairingPoll, PairingStart, Rep, Team } from '@salesboard/shared';
import type { TestApp } from './app.js';
import { createDeal, createOrg, type Org } from './fixtures.js';

/** Who calls: no credential, the three kinds of person, a paired TV, and API keys with and without write. */
export const WHO = ['none', 'admin', 'manager', 'rep', 'otherRep', 'display', 'readKey', 'writeKey'] as const;
export type Who = (typeof WHO)[number];

export const CAST_PASSWORD = 'a long enough password';

export interface Cast {
  /** Team A with its territory and one rep, Ayu (`rep`), whose deal is `dealA`. */
  orgA: Org;
  /** Team B, managed by nobody in the cast, with Siti (`otherRep`), whose deal is `dealB`. */
  teamB: Team;
  repB: Rep;
  dealA: Deal;
  dealB: Deal;
  /** The bearer credential of each caller; null for `none`. */
  tokens: Record<Who, string | null>;
  displayId: string;
  /** Requests as `who`, with their credential when they have one. */
  as(who: Who): Caller;
}

export interface Caller {
  get(url: string): request.Test;
  post(url: string): request.Test;
  put(url: string): request.Test;
  patch(url: string): request.Test;
  delete(url: string): request.Test;
}

export function callerWith(baseUrl: string, token: string | null): Caller {
  const wrap = (r: request.Test) => (token ? r.set('Authorization', `Bearer ${token}`) : r);
  return {
    get: (url) => wrap(request(baseUrl).get(url)),
    post: (url) => wrap(request(baseUrl).post(url)),
    put: (url) => wrap(request(baseUrl).put(url)),
    patch: (url) => wrap(request(baseUrl).patch(url)),
    delete: (url) => wrap(request(baseUrl).delete(url)),
  };
}

export async function login(baseUrl: string, email: string, password = CAST_PASSWORD): Promise<string> {
  const response = await request(baseUrl).post('/api/auth/login').send({ email, password }).expect(200);
  return response.body.accessToken as string;
}

export async function createKey(t: TestApp, name: string, scopes: ('read' | 'write' | 'webhooks')[]): Promise<CreatedApiKey> {
  return (await t.api.post('/api/keys').send({ name, scopes }).expect(201)).body as CreatedApiKey;
}

/** A TV asks for a code and an admin or manager approves it; the credential is not fetched. */
export async function approvePairing(
  baseUrl: string,
  approverToken: string,
  name: string,
  boardId?: string,
): Promise<{ start: PairingStart; displayId: string }> {
  const start = (await request(baseUrl).post('/api/pairing').expect(201)).body as PairingStart;
  const approved = await callerWith(baseUrl, approverToken).post('/api/pairing/approve').send({ userCode: start.userCode, name, boardId }).expect(201);
  return { start, displayId: approved.body.id as string };
}

/** The whole flow: the TV polls (no faster than it was told) until it holds its credential. */
export async function pairDisplay(baseUrl: string, approverToken: string, name: string, boardId?: string): Promise<{ displayId: string; token: string }> {
  const { start, displayId } = await approvePairing(baseUrl, approverToken, name, boardId);
  for (;;) {
    const poll = (await request(baseUrl).post('/api/pairing/token').send({ deviceCode: start.deviceCode }).expect(200)).body as PairingPoll;
    if (poll.status === 'approved') return { displayId, token: poll.displayToken };
    if (poll.status !== 'slow_down') throw new Error(`pairing ended with ${poll.status}`);
    await new Promise((resolve) => setTimeout(resolve, (start.interval * 1000) / 2 + 100));
  }
}

export async function castOfRoles(t: TestApp): Promise<Cast> {
  const orgA = await createOrg(t.api, 1);
  const teamB = (await t.api.post('/api/teams').send({ name: 'Sumatera' }).expect(201)).body as Team;
  const repB = (await t.api.post('/api/reps').send({ name: 'Siti', email: 'siti@example.co.id', teamId: teamB.id }).expect(201)).body as Rep;
  const dealA = await createDeal(t.api, orgA.reps[0].id);
  const dealB = await createDeal(t.api, repB.id);
  const users = [
    { email: 'manager@example.co.id', name: 'Hendra', role: 'manager', teamIds: [orgA.team.id] },
    { email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: orgA.reps[0].id },
    { email: 'siti@example.co.id', name: 'Siti', role: 'rep', repId: repB.id },
  ];
  for (const user of users)
    await t.api
      .post('/api/users')
      .send({ ...user, password: CAST_PASSWORD })
      .expect(201);
  const [manager, rep, otherRep] = await Promise.all(users.map((u) => login(t.baseUrl, u.email)));
  // Paired by the admin without a board: a TV that reads the whole organisation, as the admin does.
  const display = await pairDisplay(t.baseUrl, t.adminToken, 'Lobby TV');
  const tokens: Record<Who, string | null> = {
    none: null,
    admin: t.adminToken,
    manager,
    rep,
    otherRep,
    display: display.token,
    readKey: (await createKey(t, 'BI export', ['read'])).key,
    writeKey: (await createKey(t, 'CRM sync', ['read', 'write'])).key,
  };
  return { orgA, teamB, repB, dealA, dealB, tokens, displayId: display.displayId, as: (who) => callerWith(t.baseUrl, tokens[who]) };
}
