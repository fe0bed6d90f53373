import { Injectable } from '@nestjs/common';
import { RateLimiter } from '../common/rate-limit/rate-limiter.service.js';
import { TooManyRequests } from '../common/rate-limit/too-many.js';

const WINDOW_SECONDS = 15 * 60;
/** Wrong passwords for one account from one address: a person mistyping never needs more. */
export const FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
/** Wrong passwords from one address over every account: an office behind one NAT stays well below. */
export const FAILURES_PER_ADDRESS = 50;

/**
 * Sign-in throttling with two counters of wrong passwords, both refused before argon2 runs so a
 * spray cannot starve the CPU, and both in Redis with REDIS_URL (else per node):
 * - per account and address, a few: slows guessing one account. Keyed by the pair rather than
 *   the account alone, so a guesser elsewhere cannot lock the real user out of their own address.
 * - per address, many: stops one address spraying a password over many accounts.
 * Every attempt counts at once (a burst of parallel guesses cannot slip past); a right password
 * takes its attempts back, so only wrong ones add up.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly limiter: RateLimiter) {}

  /** Counts a sign-in attempt, or refuses it with 429; `succeeded` when the password was right. */
  async attempt(email: string, ip: string): Promise<{ succeeded(): Promise<void> }> {
    const addressKey = `login:ip:${ip}`;
    const pairKey = `login:account:${email.toLowerCase()}:ip:${ip}`;
    const address = await this.limiter.hit(addressKey, FAILURES_PER_ADDRESS, WINDOW_SECONDS);
    if (!address.allowed) throw new TooManyRequests('login', address, 'too many failed sign-ins from this address');
    const pair = await this.limiter.hit(pairKey, FAILURES_PER_ACCOUNT_AND_ADDRESS, WINDOW_SECONDS);
    if (!pair.allowed) {
      // No password was tried: the address's allowance, shared with its other people, is untouched.
      await this.limiter.refund(addressKey);
      throw new TooManyRequests('login', pair, 'too many failed sign-ins for this account from this address');
    }
    return { succeeded: () => Promise.all([this.limiter.refund(addressKey), this.limiter.refund(pairKey)]).then(() => undefined) };
  }
}
