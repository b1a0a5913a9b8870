// The app's service worker and its update prompt, seen from the page.
// The worker (src/sw/sw.ts) never activates a new version on its own: a new build installs in the
// background and waits; UpdatePrompt shows "New version available", and only "Reload" swaps it in.
import { Workbox } from 'workbox-window';

/** How often a long-lived tab asks the server whether a new build is out. Browsers also check on every
 * navigation, but this app is a single page that can stay open for days during a big import. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

class AppUpdate {
  /** A new version is installed and waiting for the user's go-ahead (or, in another tab's wake, already
   * active under this outdated page). */
  updateAvailable = $state(false);
  /** A service worker controls this page: the shell and wasm are cached and the app starts offline. */
  offlineReady = $state(false);

  #workbox: Workbox | undefined;
  #registration: ServiceWorkerRegistration | undefined;
  /** The user clicked Reload here, so the coming `controlling` event is ours to act on. */
  #reloadRequested = false;
  /** Another tab already activated the new worker; this page's code is now the old version. */
  #activatedElsewhere = false;

  /** Register the service worker. Production builds only: in `vite dev` there is no dist/sw.js, and a
   * caching worker would serve stale modules over HMR. Safe to call more than once. */
  register(): void {
    if (!import.meta.env.PROD || this.#workbox || !('serviceWorker' in navigator)) return;

    // vite-plugin-pwa builds sw.ts in its default "es" output format (one self-contained bundle, every
    // workbox import inlined), so it is registered as what it is: a module worker. The scope is the
    // app's base, the same as the manifest's start_url and scope ("./").
    const workbox = new Workbox(`${import.meta.env.BASE_URL}sw.js`, {
      type: 'module',
      scope: import.meta.env.BASE_URL,
    });
    this.#workbox = workbox;

    // A new version finished installing and is waiting. Also fires right after register() when a worker
    // was already waiting (the user chose "Later" and then reloaded: reload keeps the old worker alive).
    workbox.addEventListener('waiting', () => {
      this.updateAvailable = true;
    });

    workbox.addEventListener('controlling', (event) => {
      this.offlineReady = true;
      // First install: clientsClaim() took over a page that had no worker. Nothing to reload.
      if (!event.isUpdate) return;
      if (this.#reloadRequested) {
        // The new version is in charge: load its HTML and hashed assets.
        window.location.reload();
      } else {
        // The user clicked Reload in another tab. This page keeps running, but the old build's cache is
        // gone, so its lazily loaded chunks may be missing. Don't reload under the user (an import may be
        // running): keep offering the reload instead.
        this.#activatedElsewhere = true;
        this.updateAvailable = true;
      }
    });

    void this.#start(workbox);
  }

  /** Swap in the waiting version. The page reloads when the new worker takes control. */
  reload(): void {
    const workbox = this.#workbox;
    // Nothing left to activate (another tab did it, or the waiting worker was replaced or discarded):
    // a plain reload is all it takes to run the current version.
    if (!workbox || this.#activatedElsewhere || !this.#registration?.waiting) {
      window.location.reload();
      return;
    }
    this.#reloadRequested = true;
    // Posts { type: 'SKIP_WAITING' } to the waiting worker; the `controlling` listener reloads.
    workbox.messageSkipWaiting();
  }

  /** Hide the prompt for now. The new version stays waiting and activates once every tab is closed. */
  dismiss(): void {
    this.updateAvailable = false;
  }

  async #start(workbox: Workbox): Promise<void> {
    try {
      // By default waits for the window `load` event, so registering never competes with first paint.
      this.#registration = await workbox.register();
    } catch (err) {
      // No worker means no offline start and no updates, but the app itself works; nothing to show.
      console.warn('Service worker registration failed', err);
      return;
    }
    // Already controlled at startup (every visit after the first): offline-ready now.
    if (navigator.serviceWorker.controller) this.offlineReady = true;

    setInterval(() => {
      if (!navigator.onLine) return;
      workbox.update().catch(() => {
        // The server is down or we are offline: that is normal for this app; try again next interval.
      });
    }, UPDATE_CHECK_INTERVAL_MS);
  }
}

export const appUpdate = new AppUpdate();
