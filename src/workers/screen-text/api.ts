import { expose } from 'comlink';
import { grayThumb, minStrokeDensity, sameFrame, strokeDensity, type GrayThumb } from '../../lib/screen-text/gate';
import { matchSpan, searchWords } from '../../lib/screen-text/match';
import { mergeSpans } from '../../lib/screen-text/spans';
import type { Box, ReadFrame, ScreenLine, TextSpan, VideoScreenText } from '../../lib/screen-text/types';
import type { FrameSink } from '../../lib/media/types';
import { SegmentLibrary } from '../segments/library';
import { SegmentStore, type Blobs } from '../segments/store';
import type { TextReader } from './engine';
import { screenTextCodec } from './codec';

/** Text found on screen by words: the video, the span it stays on screen, what it says and the matching words. */
export interface ScreenTextHit {
  videoId: number;
  start: number;
  end: number;
  text: string;
  /** The matching words' boxes on the span's first frame (shown at `start`). */
  boxes: Box[];
  /** Query words matched exactly (the others within one character). */
  exact: number;
}

/** A reading run of one video: the frames read so far, and how many the gate let through. */
interface Run {
  videoId: number;
  frames: ReadFrame[];
  last: { thumb: GrayThumb; lines: ScreenLine[] } | null;
  read: number;
  skipped: number;
}

/**
 * The screen-text worker's calls (screen-text.worker.ts exposes them): reading text in frames a media worker sends
 * (gated: frames without stroke-like edges, and frames that repeat the one before, are not read again), storing a
 * video's text as spans in OPFS segment files (one chunk per video, as transcripts are), and "On screen" search.
 */
export function screenTextApi(openBlobs: () => Promise<Blobs>, reader: () => Promise<TextReader>) {
  let library: Promise<SegmentLibrary<VideoScreenText>> | undefined;
  const runs = new Map<number, Run>();
  let nextToken = 1;

  async function ready(): Promise<SegmentLibrary<VideoScreenText>> {
    library ??= openBlobs().then((b) => new SegmentLibrary(new SegmentStore(b, screenTextCodec)));
    library.catch(() => (library = undefined));
    const l = await library;
    await l.ready();
    return l;
  }

  async function readFrame(run: Run, frame: { time: number; data: Uint8ClampedArray; width: number; height: number }) {
    const thumb = grayThumb(frame.data, frame.width, frame.height);
    let lines: ScreenLine[];
    if (run.last && sameFrame(run.last.thumb, thumb)) lines = run.last.lines;
    else if (strokeDensity(thumb) < minStrokeDensity) {
      lines = [];
      run.skipped++;
    } else {
      lines = await (await reader()).read(frame);
      run.read++;
    }
    run.last = { thumb, lines };
    run.frames.push({ time: frame.time, lines });
  }

  const api = {
    /** Starts reading a video's frames; returns the run's token. */
    begin(videoId: number): number {
      const token = nextToken++;
      runs.set(token, { videoId, frames: [], last: null, read: 0, skipped: 0 });
      return token;
    },

    /** A frame route from a media worker for the run `token`. */
    receiveFrames(token: number, port: MessagePort): void {
      const sink: FrameSink = {
        async frames(frames) {
          const run = runs.get(token);
          if (!run) return;
          for (const f of frames) await readFrame(run, f);
        },
      };
      expose(sink, port);
    },

    /** Stores the run's text as spans (each frame's text lasting `step` s at most), replacing the video's. */
    async commit(libraryId: number, token: number, step: number) {
      const run = runs.get(token);
      if (!run) throw new Error('This reading run is over.');
      runs.delete(token);
      const spans = mergeSpans(run.frames, step);
      await (await ready()).commit(libraryId, run.videoId, { spans });
      return { spans: spans.length, read: run.read, skipped: run.skipped, frames: run.frames.length };
    },

    /** Forgets a run cut short. */
    cancel(token: number): void {
      runs.delete(token);
    },

    /** Spans showing every word of the query, best first; `videoIds` limits them to a view's videos. */
    async search(query: string, opts: { videoIds?: number[]; limit?: number } = {}) {
      const l = await ready();
      const started = performance.now();
      const words = searchWords(query);
      const only = opts.videoIds ? new Set(opts.videoIds) : undefined;
      const hits: ScreenTextHit[] = [];
      let spans = 0;
      for (const chunk of l.chunks()) {
        spans += chunk.value.spans.length;
        if (only && !only.has(chunk.videoId)) continue;
        for (const span of chunk.value.spans) {
          const m = matchSpan(span, words);
          if (!m) continue;
          const text = span.lines.map((line) => line.text).join(' · ');
          hits.push({
            videoId: chunk.videoId,
            start: span.start,
            end: span.end,
            text,
            boxes: m.words.map((w) => w.box),
            exact: m.exact,
          });
        }
      }
      hits.sort((a, b) => b.exact - a.exact || a.videoId - b.videoId || a.start - b.start);
      return { hits: hits.slice(0, opts.limit ?? 200), spans, ms: performance.now() - started };
    },

    /** The video's text on screen from `from` to `to` seconds (the player's "On screen" view). */
    async textBetween(videoId: number, from: number, to: number): Promise<TextSpan[]> {
      const spans = (await ready()).get(videoId)?.value.spans ?? [];
      return spans.filter((s) => s.start <= to && s.end >= from);
    },

    async compact(liveVideoIds: number[]) {
      return (await ready()).compact(liveVideoIds);
    },

    async stored() {
      return (await ready()).stored();
    },

    async dropLibrary(libraryId: number): Promise<void> {
      await (await ready()).dropLibrary(libraryId);
    },
  };
  return api;
}
