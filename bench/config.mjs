/** The demo simulator's pace (server default 2,500 ms), at which the floor scenario moves deals. */
const SIMULATOR_INTERVAL_MS = Number(process.env.SIMULATOR_INTERVAL_MS) || 2500;

/**
 * Sizes of every scenario. Full: the numbers. Quick (`--quick`): the same scenarios and
 * keys at sizes that finish in about 2.5 minutes on 2 cores (CI runs it), for a smoke test, not for
 * comparing.
 */
export const FULL = {
  latency: { clients: 1000, rate: 10, durationSec: 30, rounds: 3 },
  fanout: { clients: 1000, startRate: 25, factor: 2, stepSec: 4, maxSteps: 8, loadSec: 8 },
  clients: { steps: [1000, 2000, 3000, 5000, 8000], rate: 10, durationSec: 10 },
  memory: { counts: [1000, 5000] },
  ingest: { concurrency: 32, durationSec: 15, rounds: 3 },
  reconnect: { clients: 2000, missedEvents: 20, timeoutSec: 60 },
  frames: { rate: 10, durationSec: 30 },
  bulk: { rows: 100_000, mixedRows: 20_000 },
  floor: { screens: [100, 1000, 2000], writeIntervalMs: SIMULATOR_INTERVAL_MS, warmupSec: 15, windowSec: 60, timeoutSec: 1500 },
  swarmWorkers: 2,
  scenarioTimeoutSec: 600,
  /** Before each scenario, wait at most this long for other processes to leave the cores. */
  quietWaitSec: 60,
  /** And before each measured phase inside a scenario (0: do not wait). */
  phaseQuietWaitSec: 20,
  /** All that waiting together stops here, so a busy machine cannot stretch a run past 15 minutes. */
  quietBudgetSec: 150,
};

export const QUICK = {
  latency: { clients: 1000, rate: 10, durationSec: 4, rounds: 1 },
  fanout: { clients: 500, startRate: 50, factor: 2, stepSec: 2, maxSteps: 6, loadSec: 3 },
  clients: { steps: [1000, 2000], rate: 10, durationSec: 4 },
  memory: { counts: [500, 1500] },
  ingest: { concurrency: 32, durationSec: 4, rounds: 1 },
  reconnect: { clients: 1000, missedEvents: 20, timeoutSec: 30 },
  frames: { rate: 10, durationSec: 6 },
  bulk: { rows: 20_000, mixedRows: 5_000 },
  // Smaller floors than the full run's (the JSON is keyed by these counts): today 1,000 screens
  // saturate the server for minutes, so they do not fit a smoke test.
  floor: { screens: [20, 100, 200], writeIntervalMs: SIMULATOR_INTERVAL_MS, warmupSec: 2, windowSec: 5, timeoutSec: 150 },
  swarmWorkers: 2,
  scenarioTimeoutSec: 120,
  quietWaitSec: 1,
  phaseQuietWaitSec: 0,
  quietBudgetSec: 10,
};

/** Deals the change plans rotate through: enough that 32 in flight never wait for each other. */
export const MIN_OPEN_DEALS = 150;
