/** A TV paired as a manager or admin pairs one: the TV asks for a code, a person approves it, the TV polls for its credential. */
import type { Page } from '@playwright/test';
import type { PairingPoll, PairingStart } from '@salesboard/shared';
import { rest } from './rest.js';

/** The display credential of a TV paired to `boardId` (null: no board), approved with `approverToken`. */
export async function pairDisplay(baseUrl: string, approverToken: string, name: string, boardId: string | null): Promise<string> {
  const started = await rest<PairingStart>(baseUrl, null, 'POST', '/api/pairing');
  await rest(baseUrl, approverToken, 'POST', '/api/pairing/approve', { userCode: started.userCode, name, boardId });
  for (let attempt = 0; attempt < 20; attempt++) {
    const poll = await rest<PairingPoll>(baseUrl, null, 'POST', '/api/pairing/token', { deviceCode: started.deviceCode });
    if (poll.status === 'approved') return poll.displayToken;
    await new Promise((resolve) => setTimeout(resolve, started.interval * 1000));
  }
  throw new Error('the pairing was never approved');
}

/** Makes `page` a TV holding `displayToken`, as one that was paired and restarted: the credential is in its storage before the app starts. */
export async function actAsDisplay(page: Page, displayToken: string): Promise<void> {
  await page.addInitScript((token) => localStorage.setItem('salesboard.displayToken', token), displayToken);
}
