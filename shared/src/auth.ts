/** Accounts, credentials, TV pairing and boards: request schemas and answer shapes. */
import { z } from 'zod';
import { nameSchema, textSchema } from './schemas.js';

export const ROLES = ['admin', 'manager', 'rep'] as const;
export type UserRole = (typeof ROLES)[number];
export const API_KEY_SCOPES = ['read', 'write', 'webhooks'] as const;
export type ApiKeyScopeName = (typeof API_KEY_SCOPES)[number];

export const loginSchema = z.strictObject({
  email: z.email({ message: 'must be an email address' }).max(320),
  password: z.string().min(1, { message: 'is required' }).max(1024),
});
export type LoginInput = z.infer<typeof loginSchema>;

export const refreshSchema = z.strictObject({
  refreshToken: textSchema.min(1).max(200),
});
export type RefreshInput = z.infer<typeof refreshSchema>;

export interface TokenPairAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export const createUserSchema = z.strictObject({
  email: z.email({ message: 'must be an email address' }).max(320),
  name: nameSchema,
  password: z.string().min(12, { message: 'must be at least 12 characters' }).max(1024),
  role: z.enum(ROLES),
  repId: z.uuid().nullish(),
  /** Teams a manager manages. */
  teamIds: z.array(z.uuid()).max(100).optional(),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  repId: string | null;
  teamIds: string[];
  active: boolean;
}

export interface Me {
  kind: 'user' | 'display' | 'apiKey' | 'anonymous';
  id: string;
  name: string;
  role: UserRole | 'display' | 'integration';
  repId: string | null;
  teamIds: string[];
  boardId: string | null;
}

export const createApiKeySchema = z.strictObject({
  name: nameSchema,
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, { message: 'must name at least one scope' }),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScopeName[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The one answer that shows the secret; it is never shown again. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export const SCENE_KINDS = ['leaderboard', 'quota', 'funnel', 'forecast', 'territories'] as const;
export type SceneKind = (typeof SCENE_KINDS)[number];

export const boardScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('team'), id: z.uuid() }),
  z.strictObject({ kind: z.literal('territory'), id: z.uuid() }),
]);

export const boardSchema = z.strictObject({
  name: nameSchema,
  scenes: z
    .array(z.strictObject({ kind: z.enum(SCENE_KINDS), seconds: z.number().int().min(5).max(600) }))
    .min(1, { message: 'must have at least one scene' })
    .max(20),
  scope: boardScopeSchema.optional(),
  sound: z.boolean().optional(),
});
export type BoardInput = z.infer<typeof boardSchema>;

export interface Board {
  id: string;
  name: string;
  scenes: { kind: SceneKind; seconds: number }[];
  scope: z.infer<typeof boardScopeSchema>;
  sound: boolean;
}

/** RFC 8628 device authorisation, as the TV sees it. */
export interface PairingStart {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
}

export const pairingPollSchema = z.strictObject({ deviceCode: textSchema.min(1).max(200) });

export type PairingPoll =
  { status: 'authorization_pending' | 'slow_down' | 'expired_token' } | { status: 'approved'; displayToken: string; displayId: string; boardId: string | null };

/** Letters and digits a person reads off a TV without confusing them: no 0/O, 1/I/L, 2/Z, 5/S, 8/B. */
export const PAIRING_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';

export const pairingApproveSchema = z.strictObject({
  userCode: z
    .string()
    .transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
    .pipe(z.string().regex(new RegExp(`^[${PAIRING_ALPHABET}]{8}$`), { message: 'must be the 8-character code shown on the TV' })),
  name: nameSchema,
  boardId: z.uuid().nullish(),
});
export type PairingApproveInput = z.infer<typeof pairingApproveSchema>;

export interface Display {
  id: string;
  name: string;
  boardId: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

/**
 * Why the caller may not revoke a listed display, decided by the server's own revocation rule:
 * an admin paired it, or it reads beyond the caller's teams.
 */
export type DisplayRevokeRefusal = 'pairedByAdmin' | 'readsBeyondYourTeams';

/** A display as GET /api/displays lists it to its caller. */
export interface ListedDisplay extends Display {
  /** The name of the user who paired it; null once that user is deleted. */
  pairedBy: string | null;
  /** Whether DELETE /api/displays/:id would succeed for this caller. */
  revocable: boolean;
  /** Why not, when not revocable. */
  revokeRefusal: DisplayRevokeRefusal | null;
}

/** What a TV paired without a board would read for this approver: everything, their teams, or nothing. */
export type WithoutBoardReads = 'everything' | 'yourTeams' | 'nothing';

/** GET /api/pairing/boards: the choices the pairing page offers its caller. */
export interface PairingBoards {
  /** Only the boards the caller may pair a TV to. */
  boards: Board[];
  withoutBoardReads: WithoutBoardReads;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  /** `<entity>:<id>`: `team:<uuid>`, `stage:proposal`, `crm:hubspot`. */
  target: string | null;
  /** What the target is called now, or the name the entry recorded once it is gone; null when neither is known. */
  targetName: string | null;
  details: unknown;
  ip: string | null;
}
