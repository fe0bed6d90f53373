import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthStatus } from '@salesboard/shared';

/** A database that does not answer within this time counts as down: health must not hang. */
const PROBE_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<HealthStatus> {
    try {
      const rows = await withTimeout(this.dataSource.query<{ seq: string }[]>('SELECT seq FROM event_seq WHERE id = 1'), PROBE_TIMEOUT_MS);
      return { status: 'ok', db: 'up', seq: Number(rows[0]?.seq ?? 0) };
    } catch {
      return { status: 'degraded', db: 'down', seq: -1 };
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
