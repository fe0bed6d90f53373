/** A small organisation made through the public API, as a user would. */
import request from 'supertest';
import type { Deal, Rep, Team, Territory } from '@salesboard/shared';

export interface Org {
  team: Team;
  territory: Territory;
  reps: Rep[];
}

type Agent = ReturnType<typeof request.agent>;
/** An authenticated agent (`t.api`), or a base URL for a server that needs no credential. */
type Api = Agent | string;

function client(api: Api): Agent | ReturnType<typeof request> {
  return typeof api === 'string' ? request(api) : api;
}

export async function createOrg(api: Api, repCount = 2): Promise<Org> {
  const team = (await client(api).post('/api/teams').send({ name: 'Jakarta Raya', managerName: 'Hendra Wijaya' }).expect(201)).body as Team;
  const territory = (await client(api).post('/api/territories').send({ name: 'Jakarta', region: 'Jawa' }).expect(201)).body as Territory;
  const reps: Rep[] = [];
  for (let i = 0; i < repCount; i++) {
    const rep = await client(api)
      .post('/api/reps')
      .send({ name: `Rep ${i + 1}`, email: `rep${i + 1}@example.co.id`, teamId: team.id, territoryId: territory.id })
      .expect(201);
    reps.push(rep.body as Rep);
  }
  return { team, territory, reps };
}

export async function createDeal(api: Api, ownerId: string, overrides: Record<string, unknown> = {}): Promise<Deal> {
  const response = await client(api)
    .post('/api/deals')
    .send({ name: 'PT Maju Jaya renewal', ownerId, amount: '150000000', ...overrides })
    .expect(201);
  return response.body as Deal;
}
