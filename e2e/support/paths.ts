/** Where things are, and how Chromium is launched; shared by the config, global setup and specs. */
import { resolve } from 'node:path';

export const E2E_DIR = resolve(import.meta.dirname, '..');
export const REPO_ROOT = resolve(E2E_DIR, '..');
/** The built server: `npm test` (or `npm run build`) builds it, the browser tests never do. */
export const SERVER_MAIN = resolve(REPO_ROOT, 'server/dist/main.js');
/** Screenshots for people to look at, and the server's log of the run. */
export const ARTIFACTS_DIR = resolve(E2E_DIR, 'artifacts');

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
