/**
 * Loaded as its own script before the app (index.html), so it runs before any chunk that builds
 * a zod schema. zod decides, as it builds each object schema, whether to compile it with
 * `new Function`, and probes once whether eval is allowed; under our Content-Security-Policy (no
 * 'unsafe-eval') that probe is a reported violation. Its settings live on `globalThis` so that
 * every copy of zod shares them; setting them here turns the compiler off before anything is built.
 * The client parses little, so it loses nothing; the server keeps the compiler.
 */
const zodSettings = { jitless: true };
Object.assign(globalThis, { __zod_globalConfig: zodSettings });
