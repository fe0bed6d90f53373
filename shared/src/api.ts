/** Shapes of REST answers that are not plain domain objects. */

/** Every error answer: `{ statusCode, error, message }`, the message naming the field. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  /** Per-field details for validation errors: `{ path: "amount", message: "…" }`. */
  issues?: { path: string; message: string }[];
}

/** `GET /api/health`, the readiness check: 200 when the database answers, 503 when not. */
export interface HealthStatus {
  status: 'ok' | 'degraded';
  db: 'up' | 'down';
  /** The event log's head; while the database is down, the last seq this node delivered. */
  seq: number;
  /** Present when REDIS_URL is set. Redis being down degrades scale-out, not this node: still 200. */
  redis?: 'up' | 'down';
}
