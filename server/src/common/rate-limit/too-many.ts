import { HttpException } from '@nestjs/common';
import type { RateDecision } from './rate-limiter.service.js';

/** 429 with the seconds to wait, in the contract's error shape. */
export class TooManyRequests extends HttpException {
  constructor(what: string, decision: RateDecision, tooMany = 'too many attempts') {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `${what}: ${tooMany}, retry in ${decision.retryAfterSeconds} s`,
        retryAfter: decision.retryAfterSeconds,
      },
      429,
    );
  }
}
