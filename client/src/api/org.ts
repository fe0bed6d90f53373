import type { Product, Rep, Stage, Team, Territory } from '@salesboard/shared';
import { getJson } from './http';

export function listTeams(signal?: AbortSignal): Promise<Team[]> {
  return getJson<Team[]>('/teams', { signal });
}

export function listTerritories(signal?: AbortSignal): Promise<Territory[]> {
  return getJson<Territory[]>('/territories', { signal });
}

export function listReps(signal?: AbortSignal): Promise<Rep[]> {
  return getJson<Rep[]>('/reps', { signal });
}

export function listStages(signal?: AbortSignal): Promise<Stage[]> {
  return getJson<Stage[]>('/stages', { signal });
}

export function listProducts(signal?: AbortSignal): Promise<Product[]> {
  return getJson<Product[]>('/products', { signal });
}
