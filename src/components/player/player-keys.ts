// The player's keyboard and frame grabbing, apart from its markup. DOM only: no state is read or written here.
import { nextSpeed } from '../../lib/media/playback';

export interface PlayerActions {
  seek(time: number): void;
  step(direction: 1 | -1): void;
  toggle(): void;
  /** The video's length in seconds. */
  length(): number;
  /** Captions on or off. */
  captions(): void;
}

/**
 * Space play/pause, ←/→ one frame when paused (5 s when playing), J/K/L, Home/End, C captions. Returns whether the key was
 * used (the caller then prevents its default).
 */
export function playerKey(e: KeyboardEvent, el: HTMLVideoElement, act: PlayerActions): boolean {
  if (e.altKey || e.ctrlKey || e.metaKey) return false;
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select')) return false;
  switch (e.key) {
    case ' ':
      if (target.closest('button, a')) return false; // Space presses the focused button
      act.toggle();
      return true;
    case 'k':
    case 'K':
      el.pause();
      el.playbackRate = 1;
      return true;
    case 'l':
    case 'L':
      if (el.paused) {
        el.playbackRate = 1;
        el.play().catch(() => undefined); // refused (autoplay policy): the play button still works
      } else el.playbackRate = nextSpeed(el.playbackRate, 1);
      return true;
    case 'j':
    case 'J':
      // Browsers cannot play backwards: J slows a fast forward down, else jumps back 5 s.
      if (!el.paused && el.playbackRate > 1) el.playbackRate = nextSpeed(el.playbackRate, -1);
      else act.seek(el.currentTime - 5);
      return true;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const direction = e.key === 'ArrowLeft' ? -1 : 1;
      if (el.paused) act.step(direction);
      else act.seek(el.currentTime + 5 * direction);
      return true;
    }
    case 'c':
    case 'C':
      act.captions();
      return true;
    case 'Home':
      act.seek(0);
      return true;
    case 'End':
      act.seek(act.length());
      return true;
    default:
      return false;
  }
}

/**
 * Tab from the last control goes to the first, Shift+Tab from the first to the last: a modal <dialog> makes the
 * page inert but still lets Tab leave for the browser's own controls.
 */
export function trapTab(e: KeyboardEvent, dialog: HTMLElement): void {
  const focusable = [...dialog.querySelectorAll<HTMLElement>('button, [tabindex="0"], a[href], input, select')].filter(
    (n) => !n.hasAttribute('disabled') && n.getClientRects().length > 0 && !n.closest('[hidden]'),
  );
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const active = document.activeElement;
  if (e.shiftKey && (active === first || active === dialog)) last.focus();
  else if (!e.shiftKey && active === last) first.focus();
  else return;
  e.preventDefault();
}

/** The frame on screen, full size, as a PNG. */
export async function grabFrame(el: HTMLVideoElement): Promise<Blob | null> {
  if (!el.videoWidth) return null;
  const canvas = document.createElement('canvas');
  canvas.width = el.videoWidth;
  canvas.height = el.videoHeight;
  canvas.getContext('2d')!.drawImage(el, 0, 0);
  return new Promise((done) => canvas.toBlob(done, 'image/png'));
}
