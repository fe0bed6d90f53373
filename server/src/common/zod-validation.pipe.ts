import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Turns zod issues into one readable line per field: `amount: must not be negative`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a known field' }));
    }
    const path = issue.path.join('.') || 'body';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return [{ path, message }];
  });
}

/** Validates a body or query with a shared zod schema; a failure is a 400 that names the field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: 'body' | 'query' = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? (this.what === 'body' ? undefined : {}));
    if (result.success) return result.data;
    const issues = describeIssues(result.error.issues);
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    });
  }
}
