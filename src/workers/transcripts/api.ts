import { readSubtitleFile } from '../../lib/subtitles/parse';
import type { CueSource, SubtitleFormat } from '../../lib/subtitles/types';
import { CueIndex, type CueHit } from '../../lib/transcripts/cue-index';
import { SegmentLibrary } from '../segments/library';
import { SegmentStore, type Blobs } from '../segments/store';
import { transcriptCodec, type StoredTrack, type VideoTranscript } from './codec';

/** A subtitle file or an extracted track to read: its bytes (a File is a Blob) and what it is. */
export interface SubtitleInput {
  label: string;
  language: string | null;
  format: SubtitleFormat;
  bytes: Blob | Uint8Array;
  /** Why this track has no text (image subtitles): stored as a note, nothing is parsed. */
  skipped?: string;
}

/**
 * The transcript worker's calls (transcripts.worker.ts exposes them; unit tests call them directly): every video's
 * cues in OPFS segment files, one chunk per video (so storing one video's lines costs that video's bytes, whatever
 * the library's size), and an inverted index over all of them in memory for "Said" search.
 */
export function transcriptsApi(openBlobs: () => Promise<Blobs>) {
  let index = new CueIndex();
  let library: Promise<SegmentLibrary<VideoTranscript>> | undefined;

  async function ready(): Promise<SegmentLibrary<VideoTranscript>> {
    library ??= openBlobs().then(
      (b) =>
        new SegmentLibrary(new SegmentStore(b, transcriptCodec), {
          loaded(latest) {
            index = new CueIndex();
            for (const c of latest) index.setVideo(c.videoId, c.value.tracks);
          },
          stored: (chunk) => index.setVideo(chunk.videoId, chunk.value.tracks),
          dropped: (chunks) => chunks.forEach((c) => index.removeVideo(c.videoId)),
        }),
    );
    library.catch(() => (library = undefined));
    const l = await library;
    await l.ready();
    return l;
  }

  const api = {
    /**
     * Replaces a video's tracks from `source` with `tracks` (the other sources' stay): the one way cues enter the
     * store, for subtitle files, embedded tracks and speech alike.
     */
    async storeTracks(videoId: number, libraryId: number, source: CueSource, tracks: StoredTrack[]): Promise<void> {
      const l = await ready();
      const kept = (l.get(videoId)?.value.tracks ?? []).filter((t) => t.source !== source);
      const next = [...kept, ...tracks.filter((t) => t.source === source)];
      if (next.length === 0 && !l.get(videoId)) return;
      await l.commit(libraryId, videoId, { tracks: next });
    },

    /** Decodes and parses subtitle files or tracks, and stores them as the video's `source` tracks. */
    async storeSubtitles(
      videoId: number,
      libraryId: number,
      source: CueSource,
      inputs: SubtitleInput[],
    ): Promise<{ cues: number; warnings: string[] }> {
      const tracks: StoredTrack[] = [];
      for (const input of inputs) {
        const base = { source, language: input.language, label: input.label, modelId: null };
        if (input.skipped) {
          tracks.push({ ...base, cues: [], warnings: [input.skipped] });
          continue;
        }
        const bytes = input.bytes instanceof Uint8Array ? input.bytes : new Uint8Array(await input.bytes.arrayBuffer());
        const parsed = readSubtitleFile(bytes, input.format);
        tracks.push({ ...base, cues: parsed.cues, warnings: parsed.warnings.map((w) => `${input.label}: ${w}`) });
      }
      await api.storeTracks(videoId, libraryId, source, tracks);
      return { cues: tracks.reduce((n, t) => n + t.cues.length, 0), warnings: tracks.flatMap((t) => t.warnings) };
    },

    /** A video's tracks, for the player's captions and transcript. */
    async tracks(videoId: number): Promise<StoredTrack[]> {
      return (await ready()).get(videoId)?.value.tracks ?? [];
    },

    /** Lines holding the words, best first; `videoIds` limits them to a view's videos. */
    async search(
      query: string,
      opts: { videoIds?: number[]; limit?: number } = {},
    ): Promise<{ hits: CueHit[]; cues: number; ms: number }> {
      await ready();
      const started = performance.now();
      const hits = index.search(query, {
        limit: opts.limit ?? 200,
        videoIds: opts.videoIds ? new Set(opts.videoIds) : undefined,
      });
      return { hits, cues: index.size, ms: performance.now() - started };
    },

    async compact(liveVideoIds: number[]): Promise<{ rewritten: number; droppedVideos: number }> {
      return (await ready()).compact(liveVideoIds);
    },

    async dropLibrary(libraryId: number): Promise<void> {
      await (await ready()).dropLibrary(libraryId);
    },

    async stats(): Promise<{ cues: number; videos: number }> {
      const l = await ready();
      return { cues: index.size, videos: l.size };
    },
  };
  return api;
}
