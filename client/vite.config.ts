import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** The NestJS server that `npm run dev` proxies to; it serves `/api` and socket.io. */
const SERVER_ORIGIN = 'http://localhost:3000';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: [
      // Read the shared package from source so the client never waits for `shared/dist` to be built.
      { find: /^@salesboard\/shared$/, replacement: fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
    ],
  },
  define: {
    // Composition API only: lets the bundler drop vue-i18n's legacy API and Vue's Options API.
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: {
      '/api': SERVER_ORIGIN,
      '/socket.io': { target: SERVER_ORIGIN, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The largest chunk is the tree-shaken ECharts the wallboard and the dashboard share (about
    // 455 kB, 150 kB gzip), measured and accepted; the limit sits above it so growth still warns.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      treeshake: {
        // The shared package declares its zod schemas at module level. The client validates
        // nothing with them, but a call like `z.strictObject(…)` might have side effects as far as
        // the bundler knows, so every schema (and zod, about 25 kB gzip) would ship to the TV.
        // The shared package is side-effect free by design (CONVENTIONS.md: plain types, constants,
        // schemas, pure functions), and calls on `z` are pure: unused schemas are dropped.
        manualPureFunctions: ['z'],
        moduleSideEffects: (id) => (/[\\/]shared[\\/]src[\\/]/.test(id) ? false : undefined),
      },
    },
  },
});
