/** The REST API as the tests drive it: the same calls a CRM script or an admin would make. */
import type { ApiError, Deal, HealthStatus, LeaderboardResponse, Rep, Snapshot } from '@salesboard/shared';
import { E2E_ADMIN } from './server-process.js';

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | string,
  ) {
    super(`HTTP ${status}: ${typeof body === 'string' ? body : body.message}`);
  }
}

export class Api {
  private token: string | null = null;

  constructor(readonly baseUrl: string) {}

  /** Writes go as the admin: a real login, done once and repeated when the token is refused. */
  private async authorization(): Promise<string> {
    if (!this.token) {
      const answer = await fetch(`${this.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(E2E_ADMIN),
        signal: AbortSignal.timeout(10_000),
      });
      if (!answer.ok) throw new ApiCallError(answer.status, await answer.text());
      this.token = ((await answer.json()) as { accessToken: string }).accessToken;
    }
    return `Bearer ${this.token}`;
  }

  /** The admin's access token, for a test that calls a route this class has no method for. */
  async adminToken(): Promise<string> {
    return (await this.authorization()).slice('Bearer '.length);
  }

  health(): Promise<HealthStatus> {
    return this.call('GET', '/api/health');
  }

  snapshot(): Promise<Snapshot> {
    return this.call('GET', '/api/snapshot');
  }

  deals(query: { stage?: string; repId?: string } = {}): Promise<Deal[]> {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return this.call('GET', `/api/deals?${params}`);
  }

  changeStage(dealId: string, stage: string): Promise<Deal> {
    return this.call('POST', `/api/deals/${dealId}/stage`, { stage });
  }

  createRep(body: { name: string; email: string; teamId?: string | null }): Promise<Rep> {
    return this.call('POST', '/api/reps', body);
  }

  createDeal(body: { name: string; ownerId: string; amount: string; stage?: string; currency?: string }): Promise<Deal> {
    return this.call('POST', '/api/deals', body);
  }

  deal(id: string): Promise<Deal> {
    return this.call('GET', `/api/deals/${id}`);
  }

  putExchangeRate(currency: string, validFrom: string, rate: string): Promise<unknown> {
    return this.call('PUT', `/api/exchange-rates/${currency}/${validFrom}`, { rate });
  }

  leaderboard(query: string): Promise<LeaderboardResponse> {
    return this.call('GET', `/api/leaderboard?${query}`);
  }

  private async call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: await this.authorization() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 401 && !retried) {
      this.token = null;
      return this.call(method, path, body, true);
    }
    const text = await response.text();
    if (!response.ok) {
      let error: ApiError | string = text;
      try {
        error = JSON.parse(text) as ApiError;
      } catch {
        // not JSON: keep the text
      }
      throw new ApiCallError(response.status, error);
    }
    return JSON.parse(text) as T;
  }
}

/** Exact money: a decimal string with two decimals ("1500000.00") as integer minor units. */
export function toMinor(amount: string): bigint {
  const [major, minor = ''] = amount.split('.');
  return BigInt(major) * 100n + BigInt(minor.padEnd(2, '0').slice(0, 2));
}
