/** The admin area's calls (`/admin`): users, teams, territories, reps, stages, API keys, exchange rates and the audit log. */
import type {
  ApiKey,
  AuditEntry,
  AuditQuery,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateStageInput,
  CreateTeamInput,
  CreateTerritoryInput,
  CreateUserInput,
  ExchangeRate,
  ExchangeRatesAnswer,
  Rep,
  Stage,
  Team,
  TeamAdmin,
  Territory,
  TerritoryOverviewAnswer,
  TerritoryOverviewQuery,
  UpdateRepInput,
  UpdateStageInput,
  UpdateTeamInput,
  UpdateTerritoryInput,
  UpdateUserInput,
  User,
} from '@salesboard/shared';
import { deleteJson, getJson, patchJson, postJson, putJson } from './http';

const at = (id: string) => encodeURIComponent(id);

// ---- users ----

export function listUsers(signal?: AbortSignal): Promise<User[]> {
  return getJson<User[]>('/users', { signal });
}

export function createUser(input: CreateUserInput): Promise<User> {
  return postJson<User>('/users', input);
}

export function updateUser(id: string, input: UpdateUserInput): Promise<User> {
  return patchJson<User>(`/users/${at(id)}`, input);
}

// ---- teams ----

/** Teams with their manager's user id and rep count, which the public `GET /teams` leaves out. */
export function listTeamsAdmin(signal?: AbortSignal): Promise<TeamAdmin[]> {
  return getJson<TeamAdmin[]>('/admin/teams', { signal });
}

export function createTeam(input: CreateTeamInput): Promise<Team> {
  return postJson<Team>('/teams', input);
}

export function updateTeam(id: string, input: UpdateTeamInput): Promise<Team> {
  return patchJson<Team>(`/teams/${at(id)}`, input);
}

// ---- territories and reps ----

export function fetchTerritoryOverview(query: TerritoryOverviewQuery, signal?: AbortSignal): Promise<TerritoryOverviewAnswer> {
  return getJson<TerritoryOverviewAnswer>('/territories/overview', { query: { ...query }, signal });
}

export function createTerritory(input: CreateTerritoryInput): Promise<Territory> {
  return postJson<Territory>('/territories', input);
}

export function updateTerritory(id: string, input: UpdateTerritoryInput): Promise<Territory> {
  return patchJson<Territory>(`/territories/${at(id)}`, input);
}

export function updateRep(id: string, input: UpdateRepInput): Promise<Rep> {
  return patchJson<Rep>(`/reps/${at(id)}`, input);
}

// ---- stages ----

export function createStage(input: CreateStageInput): Promise<Stage> {
  return postJson<Stage>('/stages', input);
}

export function updateStage(key: string, input: UpdateStageInput): Promise<Stage> {
  return patchJson<Stage>(`/stages/${at(key)}`, input);
}

/** Every stage key once, in the new order; answers the stages in that order. */
export function reorderStages(keys: string[]): Promise<Stage[]> {
  return putJson<Stage[]>('/stages/order', { keys });
}

/** A 409 while any deal or stage history refers to the stage. */
export function deleteStage(key: string): Promise<void> {
  return deleteJson<void>(`/stages/${at(key)}`);
}

// ---- API keys ----

export function listApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  return getJson<ApiKey[]>('/keys', { signal });
}

/** The answer's `key` is the only time the secret is shown. */
export function createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey> {
  return postJson<CreatedApiKey>('/keys', input);
}

export function revokeApiKey(id: string): Promise<ApiKey> {
  return deleteJson<ApiKey>(`/keys/${at(id)}`);
}

// ---- exchange rates ----

export function listExchangeRates(signal?: AbortSignal): Promise<ExchangeRatesAnswer> {
  return getJson<ExchangeRatesAnswer>('/exchange-rates', { signal });
}

/** Sets (or replaces) the rate of `currency` from `validFrom` on. */
export function putExchangeRate(currency: string, validFrom: string, rate: string): Promise<ExchangeRate> {
  return putJson<ExchangeRate>(`/exchange-rates/${at(currency)}/${at(validFrom)}`, { rate });
}

export function deleteExchangeRate(currency: string, validFrom: string): Promise<void> {
  return deleteJson<void>(`/exchange-rates/${at(currency)}/${at(validFrom)}`);
}

// ---- audit log ----

/** Newest first; `before` (an entry's `at`) pages to older entries. */
export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditEntry[]> {
  return getJson<AuditEntry[]>('/audit', { query: { ...query }, signal });
}
