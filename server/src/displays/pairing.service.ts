import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  type BoardScope,
  type Display,
  type DisplayRevokeRefusal,
  type ListedDisplay,
  PAIRING_ALPHABET,
  type PairingApproveInput,
  type PairingBoards,
  type PairingPoll,
  type PairingStart,
} from '@salesboard/shared';
import { badField, notFound } from '../common/errors.js';
import { RateLimiter } from '../common/rate-limit/rate-limiter.service.js';
import { TooManyRequests } from '../common/rate-limit/too-many.js';
import { writeAudit } from '../auth/audit.service.js';
import type { AuditedChange } from '../auth/audited-change.decorator.js';
import { forbidden } from '../auth/auth.guard.js';
import { mayPairTo, type Principal, revokeRefusalOf, withoutBoardReadsFor } from '../auth/principal.js';
import { BoardsService } from '../boards/boards.service.js';
import { DISPLAY_PREFIX, randomSecret, sha256 } from '../auth/tokens.js';
import { AppEvents } from '../events/app-events.js';
import { EventWriter } from '../events/event-writer.service.js';
import { findScopedDisplays } from './display-scope.query.js';

const CODE_TTL_SECONDS = 600;
const POLL_INTERVAL_SECONDS = 3;
/** Wrong codes a user may enter per minute before being throttled. */
const GUESSES_PER_MINUTE = 10;
/** The 403's words for each reason the TV list shows (in the client's i18n). */
const REVOKE_REFUSALS: Record<DisplayRevokeRefusal, string> = {
  pairedByAdmin: 'was paired by an admin',
  readsBeyondYourTeams: 'reads beyond your teams',
};

function userCode(): string {
  return Array.from({ length: 8 }, () => PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)]).join('');
}

/**
 * Attaching a TV without typing on it, after RFC 8628's device flow: the TV asks for a code
 * and shows it; a manager enters it and picks a board; the TV, polling with its secret device
 * code, receives a read-only display credential once. Only hashes are stored.
 */
@Injectable()
export class PairingService {
  private readonly lastPoll = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly limiter: RateLimiter,
    private readonly writer: EventWriter,
    private readonly bus: AppEvents,
    private readonly boards: BoardsService,
  ) {}

  async start(origin: string): Promise<PairingStart> {
    const deviceCode = randomSecret('sbp_');
    for (let attempt = 0; ; attempt++) {
      const code = userCode();
      try {
        await this.dataSource.query(
          `INSERT INTO pairing_requests (user_code, device_code_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
          [code, sha256(deviceCode), CODE_TTL_SECONDS],
        );
        await this.dataSource.query("DELETE FROM pairing_requests WHERE expires_at < now() - interval '1 hour'");
        const verificationUri = `${origin}/admin/pair`;
        return {
          deviceCode,
          userCode: code,
          verificationUri,
          verificationUriComplete: `${verificationUri}?code=${code}`,
          expiresIn: CODE_TTL_SECONDS,
          interval: POLL_INTERVAL_SECONDS,
        };
      } catch (error) {
        // A live code collided (1 in 25^8 per pair): draw another.
        if ((error as { code?: string }).code !== '23505' || attempt > 5) throw error;
      }
    }
  }

  /** The TV's poll: pending until approved, then the credential exactly once. */
  async poll(deviceCode: string): Promise<PairingPoll> {
    const hash = sha256(deviceCode);
    const now = Date.now();
    const last = this.lastPoll.get(hash) ?? 0;
    this.lastPoll.set(hash, now);
    if (this.lastPoll.size > 10_000) for (const [key, at] of this.lastPoll) if (at < now - CODE_TTL_SECONDS * 1000) this.lastPoll.delete(key);
    if (now - last < (POLL_INTERVAL_SECONDS * 1000) / 2) return { status: 'slow_down' };
    return this.dataSource.transaction(async (manager) => {
      const [row]: { id: string; expires_at: Date; pending_token: string | null; display_id: string | null; board_id: string | null }[] = await manager.query(
        `SELECT p.id, p.expires_at, p.pending_token, p.display_id, d.board_id
           FROM pairing_requests p LEFT JOIN displays d ON d.id = p.display_id
          WHERE p.device_code_hash = $1 FOR UPDATE OF p`,
        [hash],
      );
      if (!row) return { status: 'expired_token' };
      if (row.pending_token && row.display_id) {
        // Handed over once: the plain credential is erased in the same transaction.
        await manager.query('UPDATE pairing_requests SET pending_token = NULL WHERE id = $1', [row.id]);
        this.lastPoll.delete(hash);
        return { status: 'approved', displayToken: row.pending_token, displayId: row.display_id, boardId: row.board_id };
      }
      if (row.display_id || row.expires_at.getTime() < now) return { status: 'expired_token' };
      return { status: 'authorization_pending' };
    });
  }

  async approve(input: PairingApproveInput, change: AuditedChange): Promise<Display> {
    const approver = change.principal;
    // Counted at once so parallel guesses cannot slip past; a code that pairs a TV takes its count
    // back, so a manager setting up a dozen TVs is never throttled, only wrong codes add up.
    const limitKey = `pairing:${approver.id}:${change.ip}`;
    const decision = await this.limiter.hit(limitKey, GUESSES_PER_MINUTE, 60);
    if (!decision.allowed) throw new TooManyRequests('userCode', decision);
    if (input.boardId) {
      const [board]: { scope: BoardScope }[] = await this.dataSource.query('SELECT scope FROM boards WHERE id = $1', [input.boardId]);
      if (!board) throw badField('boardId', `no board with id ${input.boardId}`);
      // The TV will read what the board shows: a manager may not hand out more than their teams.
      if (!mayPairTo(approver, board.scope)) {
        await this.limiter.refund(limitKey);
        throw forbidden(`authorization: boardId: a manager pairs TVs only to a board of their own teams, not board ${input.boardId}`);
      }
    }
    const paired = await this.writer.transaction(change, async ({ manager, emit }) => {
      const [request]: { id: string; expires_at: Date; display_id: string | null }[] = await manager.query(
        'SELECT id, expires_at, display_id FROM pairing_requests WHERE user_code = $1 FOR UPDATE',
        [input.userCode],
      );
      if (!request || request.display_id || request.expires_at.getTime() < Date.now()) {
        throw badField('userCode', 'no TV is waiting with this code (mistyped, already used or older than 10 minutes)');
      }
      const token = randomSecret(DISPLAY_PREFIX);
      const [display]: DisplayRow[] = await manager.query('INSERT INTO displays (name, board_id, token_hash, paired_by) VALUES ($1, $2, $3, $4) RETURNING *', [
        input.name,
        input.boardId ?? null,
        sha256(token),
        approver.kind === 'user' ? approver.id : null,
      ]);
      await manager.query('UPDATE pairing_requests SET display_id = $2, pending_token = $3 WHERE id = $1', [request.id, display.id, token]);
      await writeAudit(manager, change, {
        action: 'display.pair',
        target: `display:${display.id}`,
        details: { name: input.name, boardId: input.boardId ?? null },
      });
      emit('org.changed', { entity: 'display', id: display.id, name: display.name });
      return mapDisplay(display);
    });
    await this.limiter.refund(limitKey);
    return paired;
  }

  /** What the pairing page offers: the boards `approve` would accept from this caller, by the same rule. */
  async pairableBoards(principal: Principal): Promise<PairingBoards> {
    const boards = await this.boards.list();
    return { boards: boards.filter((board) => mayPairTo(principal, board.scope)), withoutBoardReads: withoutBoardReadsFor(principal) };
  }

  /** Every display, each saying whether `revoke` would accept it from this caller, and why not. */
  async list(principal: Principal): Promise<ListedDisplay[]> {
    const scoped = new Map((await findScopedDisplays(this.dataSource, 'TRUE', [])).map((display) => [display.id, display]));
    // Only the displays just scoped: one paired in between shows at the next reload.
    const rows = await this.dataSource.query<DisplayRow[]>('SELECT * FROM displays WHERE id = ANY($1) ORDER BY created_at DESC', [[...scoped.keys()]]);
    return rows.flatMap((row) => {
      const display = scoped.get(row.id);
      if (!display) return [];
      const revokeRefusal = revokeRefusalOf(principal, display);
      return [{ ...mapDisplay(row), pairedBy: display.approverName, revocable: revokeRefusal === null, revokeRefusal }];
    });
  }

  /** Revoking a display ends its credential and drops its socket now, on whichever node holds it. */
  async revoke(id: string, change: AuditedChange): Promise<Display> {
    const display = await this.writer.transaction(change, async ({ manager, emit }) => {
      const [paired] = await findScopedDisplays(manager, 'd.id = $1', [id], true);
      const refusal = paired ? revokeRefusalOf(change.principal, paired) : null;
      if (refusal) throw forbidden(`authorization: display ${id} ${REVOKE_REFUSALS[refusal]}; only an admin may revoke it`);
      const [rows]: [DisplayRow[], number] = await manager.query('UPDATE displays SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *', [
        id,
      ]);
      if (!rows?.length) throw notFound('display', id);
      await writeAudit(manager, change, { action: 'display.revoke', target: `display:${id}`, details: { name: rows[0].name } });
      emit('org.changed', { entity: 'display', id, name: rows[0].name });
      return mapDisplay(rows[0]);
    });
    this.bus.emit('principal.revoked', { kind: 'display', id });
    return display;
  }
}

interface DisplayRow {
  id: string;
  name: string;
  board_id: string | null;
  created_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
}

function mapDisplay(r: DisplayRow): Display {
  return {
    id: r.id,
    name: r.name,
    boardId: r.board_id,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}
