import type { Stage } from '../stage';
import { openVideo, timeoutFor } from '../stage-helpers';

/** Containers that can carry subtitle tracks; other files have none to look for. */
const withTracks = new Set(['mkv', 'webm', 'mp4', 'm4v', 'mov', 'qt', '3gp', 'ts', 'mts', 'm2ts']);

/**
 * The subtitle tracks inside a video (SRT, ASS/SSA, WebVTT, mov_text in MKV, WebM, MP4, MOV), read with ffmpeg.wasm
 * in a media worker and stored with the subtitle files' lines. Image subtitles (PGS, VobSub) carry no text: they
 * are noted as skipped, which is not a failure. Last in the queue, after word search's embeddings: it starts
 * ffmpeg.wasm and reads the whole file.
 */
export const subtitlesStage: Stage = {
  name: 'subtitles',
  label: 'Subtitle tracks',
  priority: 3,
  needs: ['probe'],
  async run(job, { signal, tools }) {
    const { video, file } = await openVideo(job, tools);
    if (!withTracks.has(video.extension)) {
      await tools.transcripts.storeSubtitles(video.id, video.libraryId, 'embedded', []);
      return;
    }
    // Reading a track means demuxing the whole file: allow it time by the file's length, like the frames.
    const timeoutMs = timeoutFor(video.duration, 30);
    const tracks = await tools.media.run(signal, timeoutMs + 10_000, 'Reading subtitle tracks', (m) =>
      m.subtitleTracks({ file, timeoutMs }),
    );
    await tools.transcripts.storeSubtitles(
      video.id,
      video.libraryId,
      'embedded',
      tracks.map((t) => ({
        label: t.label,
        language: t.language,
        format: t.format,
        bytes: new TextEncoder().encode(t.text),
        skipped: t.skipped,
      })),
    );
  },
};
