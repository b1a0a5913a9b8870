// The jobs of the video tools (issue 14): what each asks for, and what the user is told when one stops.
import type { AudioMode } from '../lib/clips/audio';
import type { CaptionStyle } from '../lib/clips/burn-in';
import type { ClipRange } from '../lib/clips/range';
import { isPermissionError, isQuotaError } from '../lib/errors';
import type { Cue } from '../lib/subtitles/types';
import type { Video } from '../lib/types';

/**
 * What a job does to its video: save the marked range (`exact`: from the in point itself, by a smart cut), split it into parts, take its sound out, cut the range (or its
 * `still` parts) out, or draw the lines of one of its caption tracks (`track`: its name in the caption menu) into it.
 */
export type ClipTool =
  | { kind: 'clip'; exact?: boolean }
  | { kind: 'split'; every: number }
  | { kind: 'split'; minScene: number; scenes: ClipRange[] }
  | { kind: 'audio'; as: AudioMode }
  | { kind: 'cut-out'; still?: ClipRange[] }
  | { kind: 'burn-in'; track: string; cues: Cue[]; style: CaptionStyle };

/** `queued`: a job of a batch waiting for the one before it (the tools run one job at a time). */
export type ClipJobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** One job of the tools, with its progress, and what it made or why it stopped. */
export interface ClipJob {
  id: number;
  tool: ClipTool;
  video: Video;
  /** The batch it belongs to, or null for a job started on one video. */
  batch: number | null;
  /** What the job is about, for its row: "scenes split every 5 s"; a clip's row says its file's name instead. */
  title: string;
  /** The range as marked (after clamping); the whole video for a split or the sound. */
  range: ClipRange;
  /** What a clip holds once planned: from the key frame at or before the in point. */
  copied: ClipRange | null;
  status: ClipJobStatus;
  /** 0–1. */
  progress: number;
  /** The file's name once it has one (a clip, the sound). */
  name: string | null;
  /** Every file the job saved, in order (the parts of a split). */
  files: string[];
  /** What the user should know: the snap to a key frame, the clamp, sound left out, where it went. */
  notes: string[];
  error: string | null;
  /** The files were offered as downloads (the browser cannot write into the library folder). */
  downloaded: boolean;
  /** The clip's id in the catalog once saved into the library folder (a split: its first part). */
  clipId: number | null;
  /** Wall-clock seconds the last run took, from the click to the catalogued file (for the benchmark). */
  seconds: number | null;
}

/**
 * Why a job stopped, in words the user can act on: a full disk and a withdrawn folder permission say what to do,
 * anything else says what the browser said. `cleaned`: whether the partial files could be deleted.
 */
export function stoppedBecause(err: unknown, folder: string, cleaned: boolean): string {
  const leftover = cleaned ? '' : ` Some of what it wrote may be left in the “Clips” folder of “${folder}”.`;
  const deleted = cleaned ? ' What the job had written was deleted; the video is untouched.' : '';
  if (isQuotaError(err)) return `The disk is full.${deleted} Free some space, then press Retry.${leftover}`;
  if (isPermissionError(err))
    return (
      `Framefinder may no longer write into “${folder}”: the permission was withdrawn.${deleted} Click “Reconnect folder”, allow editing when asked, then press Retry.` +
      leftover
    );
  return ((err as Error | null)?.message ?? String(err)) + leftover;
}
