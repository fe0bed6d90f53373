/** Shapes of REST answers that are not plain domain objects. */

/** Every error answer: `{ statusCode, error, message }`, the message naming the field. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  /** Per-field details for validation errors: `{ path: "amount", message: "…" }`. */
  issues?: { path: string; message: string }[];
}

export interface HealthStatus {
  status: 'ok' | 'degraded';
  db: 'up' | 'down';
  seq: number;
}
