import type { Snapshot } from '@salesboard/shared';
import type { Principal } from '../auth/principal.js';

/**
 * What a socket receives when it is too far behind for a replay. Built from the domain (deals,
 * stages, org, the leaderboards), which the live stream does not know: the snapshot module
 * provides it under this token.
 */
export interface SnapshotSource {
  /**
   * `leaderboard: false` leaves the wallboard's board out (`[]`): for a caller that fills it with
   * the rows its room was last sent, which ranking it again here would only throw away.
   */
  build(principal: Principal, parts?: { leaderboard: boolean }): Promise<Snapshot>;
}

export const SNAPSHOT_SOURCE = Symbol('SNAPSHOT_SOURCE');
