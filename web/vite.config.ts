/**
 * Vite config of the Remix web app. Run from the repository root:
 *   npm run build:web   (scripts/build-web.ts: remix vite:build --config web/vite.config.ts
 *                        into a staging directory, then published into web/build)
 * Output: web/build/client (static assets, served by Workers Assets, see wrangler.toml)
 *         web/build/server/index.js (imported by worker/web/remix.ts and bundled by wrangler).
 */
import { fileURLToPath } from 'node:url';
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';
import { serviceWorker } from './service-worker/build-plugin';

// The repository root, so that `web/app` and the shared `durable-objects/protocol.ts` resolve
// the same way whatever directory the build is started from.
const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  publicDir: 'web/public',
  cacheDir: 'web/.cache/vite',
  plugins: [
    remix({
      appDirectory: 'web/app',
      // scripts/lib/web-build.ts builds into a staging directory, then publishes into web/build.
      buildDirectory: process.env.EDGE_CHAT_WEB_BUILD_DIR || 'web/build',
      serverBuildFile: 'index.js',
      serverModuleFormat: 'esm',
      ssr: true,
      ignoredRouteFiles: ['**/*.test.*', '**/.*'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        // Nine routes: the whole manifest ships with the page, so navigating never waits on (or
        // fails for lack of) a /__manifest request on a flaky network.
        v3_lazyRouteDiscovery: false,
      },
    }),
    serviceWorker({
      source: fileURLToPath(new URL('service-worker/sw.js', import.meta.url)),
    }),
  ],
  // The server build runs in workerd: pick the worker/browser builds of dependencies.
  ssr: {
    target: 'webworker',
    resolve: {
      conditions: ['workerd', 'worker', 'browser'],
      externalConditions: ['workerd', 'worker'],
    },
  },
  build: {
    // Modern evergreen browsers only; smaller output than the default.
    target: 'es2022',
    cssMinify: true,
    reportCompressedSize: false,
  },
});
