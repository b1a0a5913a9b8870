/// <reference types="svelte" />
/// <reference types="vite/client" />

declare const __APP_VERSION__: string;
/** True in test builds (FF_DEBUG=1): only they put the debug handle on `window.framefinder` (src/debug-handle.ts). */
declare const __FF_DEBUG__: boolean;
