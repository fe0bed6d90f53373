/** A small organisation made through the public API, as a user would. */
import request from 'supertest';
import type { Deal, Rep, Team, Territory } from '@salesboard/shared';

export interface Org {
  team: Team;
  territory: Territory;
  reps: Rep[];
}

export async function createOrg(baseUrl: string, repCount = 2): Promise<Org> {
  const team = (await request(baseUrl).post('/api/teams').send({ name: 'Jakarta Raya', managerName: 'Hendra Wijaya' }).expect(201)).body as Team;
  const territory = (await request(baseUrl).post('/api/territories').send({ name: 'Jakarta', region: 'Jawa' }).expect(201)).body as Territory;
  const reps: Rep[] = [];
  for (let i = 0; i < repCount; i++) {
    const rep = await request(baseUrl)
      .post('/api/reps')
      .send({ name: `Rep ${i + 1}`, email: `rep${i + 1}@example.co.id`, teamId: team.id, territoryId: territory.id })
      .expect(201);
    reps.push(rep.body as Rep);
  }
  return { team, territory, reps };
}

export async function createDeal(baseUrl: string, ownerId: string, overrides: Record<string, unknown> = {}): Promise<Deal> {
  const response = await request(baseUrl)
    .post('/api/deals')
    .send({ name: 'PT Maju Jaya renewal', ownerId, amount: '150000000', ...overrides })
    .expect(201);
  return response.body as Deal;
}
