/// <reference lib="webworker" />
// The one service worker. It makes the app shell (HTML, JS, CSS, icons and the wasm files) load with the
// server down, and it owns the update flow: a new version installs in the background and then WAITS until
// the user clicks "Reload" in UpdatePrompt (src/state/app-update.svelte.ts sends SKIP_WAITING).
//
// vite-plugin-pwa (strategies: 'injectManifest') bundles this file with everything it imports into one
// self-contained dist/sw.js and replaces `self.__WB_MANIFEST` with the list of built files and their hashes.
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { SHARED_CACHE } from '../lib/launch';

declare const self: ServiceWorkerGlobalScope;

// ---------------------------------------------------------------------------------------------------------
// COOP/COEP: the page is cross-origin isolated so ONNX Runtime can run word search on several threads
// (SharedArrayBuffer). The servers send these headers (vite.config.ts); responses from the precache carry
// them too, or the app would lose isolation offline. Precached assets and the navigation fallback below both
// go through the precache strategy, so this one plugin covers the document as well. Everything precached is
// our own, so `require-corp` blocks nothing of ours. The app checks `crossOriginIsolated` before asking for
// threads (the first visit, before this worker runs, is isolated by the server's headers alone).
// ---------------------------------------------------------------------------------------------------------
function withIsolation(response: Response): Response {
  // Opaque and error responses have no headers to amend (and are never precached).
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolation(response) }]);

// Precache the build output and answer those URLs cache-first. The manifest only lists our own built
// files, and workbox-precaching only routes the URLs in it, so nothing cross-origin is ever cached here.
// Models are NOT part of this list: they are cached at runtime by the app when first needed.
precacheAndRoute(self.__WB_MANIFEST);

// Delete precaches written by older workbox versions (different cache-name format) so they don't sit in
// the user's storage quota next to their library. Entries of our own previous builds are removed by
// workbox-precaching itself when this worker activates.
cleanupOutdatedCaches();

// Navigations (the user opens the app, reloads, or follows a deep link) get the precached index.html, so
// the app starts offline and with the server stopped. The app has no server-side routes; every page is
// the same shell. Paths that look like files (`/foo.js.map`, `/x.mp4`) are left to the network: a
// navigation to a missing file should 404, not show the app.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/\/[^/?]+\.[^/]+$/],
  }),
);

// "Share to Framefinder" (the manifest's share_target): the system POSTs the shared files here. They are kept in
// a cache of their own until the page, sent to `./?shared=1`, takes them (src/state/launches.svelte.ts). Nothing
// leaves the device: this is the browser handing files from one app to another.
registerRoute(
  ({ url }) => url.href === new URL('share', self.registration.scope).href,
  async ({ request }) => {
    const form = await request.formData();
    const cache = await caches.open(SHARED_CACHE);
    let n = 0;
    for (const value of form.getAll('media')) {
      if (typeof value === 'string') continue;
      const headers = {
        'Content-Type': value.type || 'application/octet-stream',
        'X-File-Name': encodeURIComponent(value.name),
      };
      await cache.put(
        new URL(`shared/${Date.now()}-${n++}`, self.registration.scope).href,
        new Response(value, { headers }),
      );
    }
    return Response.redirect(new URL('./?shared=1', self.registration.scope).href, 303);
  },
  'POST',
);

// The update prompt. We do NOT call skipWaiting() on install: a waiting worker activates only when the
// page asks (the user clicked "Reload") or when every tab of the old version is closed. Activating
// early would delete the old build's precache under a running page that may still lazy-load old
// chunks (workers, wasm), and would mix old page code with a new worker.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  // Only our own same-origin pages can post to this worker; workbox-window's messageSkipWaiting() sends
  // exactly `{ type: 'SKIP_WAITING' }` and does not wait for a reply.
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

// Take control of open pages as soon as this worker activates. What it buys: on the FIRST install the
// page that registered us becomes controlled without a reload, so it is offline-ready right away
// (appUpdate.offlineReady). It does not undermine the prompt: activation of an update only happens after
// SKIP_WAITING or once no old tab is left, and pages already controlled by the old worker switch to the
// new one on activation anyway (that `controllerchange` is what makes the page reload).
clientsClaim();
