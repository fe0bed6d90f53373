import { ApiRequestError, errorMessage } from '@/api/http';

/** What a failed admin write shows: the server's own sentence, and per field what it said about it. */
export interface FormFailure {
  message: string;
  /** By field path as the server names it (`name`, `scenes.0.seconds`). */
  fields: Record<string, string>;
}

/** `"name: must not be empty; role: Invalid option"`, for a server that sends no `issues`. */
function parseIssues(message: string | undefined): { path: string; message: string }[] {
  if (!message) return [];
  return message.split('; ').flatMap((part) => {
    const match = /^([\w.]+): (.+)$/.exec(part);
    return match ? [{ path: match[1], message: match[2] }] : [];
  });
}

/**
 * A 400 names its fields, so each message can sit beside its input; 403 and 409 carry a sentence
 * for the whole form ("the stage is in use by 12 deals"). Anything else is the network.
 */
export function toFailure(error: unknown, unreachable: string): FormFailure {
  const fields: Record<string, string> = {};
  if (error instanceof ApiRequestError && error.status === 400) {
    for (const issue of error.body?.issues ?? parseIssues(error.body?.message)) fields[issue.path] ??= issue.message;
  }
  return { message: errorMessage(error) ?? unreachable, fields };
}
