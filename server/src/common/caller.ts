import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who made a request, as infrastructure needs to know them: to count their requests, scope
 * their idempotency keys and name them in the event log. The auth module's Principal is one
 * (with roles and scopes besides); infrastructure never needs those, so it never imports auth.
 */
export interface Caller {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
}

/** A request the auth guard has identified. */
export type RequestWithCaller = Request & { principal?: Caller };

/** The guard's metadata: a route anyone may call (health, login, pairing, signed webhooks, metrics). */
export const PUBLIC_ROUTE = 'salesboard:public';
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
