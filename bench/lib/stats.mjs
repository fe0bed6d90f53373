/**
 * Exact percentiles over the recorded samples. Runs record at most a few tens of thousands of
 * values, so sorting beats a bucketed histogram: no resolution to choose, no error to explain.
 */

/** Nearest-rank percentile of an ascending array; null when there is nothing to rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    mean: sorted.length ? sum / sorted.length : null,
  };
}

/** Rounds for the report: figures are noisy well above 0.01 ms, more digits only mislead. */
export function round(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** server ÷ reference, or null when either side is missing. */
export function ratio(value, reference) {
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return null;
  return round(value / reference, 2);
}
