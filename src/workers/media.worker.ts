/// <reference lib="webworker" />
import { expose } from 'comlink';
import type { FrameSource, Tier } from '../lib/media/types';
import { mediaApi } from './media/api';
import { openFfmpegSource } from './media/ffmpeg-source';
import { readSubtitleTracks } from './media/subtitle-tracks';
import { openWebCodecsSource } from './media/webcodecs-source';

/**
 * The media worker: probes and decodes videos on the fastest tier that can read them, WebCodecs first (native
 * decoders, through mediabunny), ffmpeg.wasm when the container or codec is beyond it or the native decoder fails
 * halfway. `prefer` skips straight to the tier that worked before.
 */
async function open(file: File, prefer?: Tier): Promise<FrameSource> {
  if (prefer !== 'ffmpeg') {
    try {
      return await openWebCodecsSource(file);
    } catch (err) {
      if ((err as Error).name !== 'UnsupportedMediaError') throw err;
    }
  }
  return openFfmpegSource(file);
}

const api = {
  ...mediaApi({ open, fallback: openFfmpegSource }),
  /** The subtitle tracks inside a video, as text (ffmpeg.wasm: mediabunny reads no subtitle track). */
  subtitleTracks: (call: { file: File; timeoutMs: number }) => readSubtitleTracks(call.file, call.timeoutMs),
};

export type MediaApi = typeof api;
expose(api);
