import { expose } from 'comlink';
import { searchWords } from '../../lib/screen-text/match';
import { mergeSpans } from '../../lib/screen-text/spans';
import { WordIndex } from '../../lib/screen-text/word-index';
import type {
  Box,
  ReadFrame,
  ReadingOptions,
  ScreenLine,
  TextSpan,
  VideoScreenText,
} from '../../lib/screen-text/types';
import type { FrameSink, RgbaFrame } from '../../lib/media/types';
import { SegmentLibrary, type SegmentHooks } from '../segments/library';
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
  /** The lines of the frame before, for a frame that repeats it. */
  last: ScreenLine[];
  read: number;
  skipped: number;
  /** Time spent in the engine. */
  readMs: number;
  /** Lines shorter than this share of the frame's height are left out (the library's minimum text size). */
  minTextShare: number;
  /** The reader of the library's language. */
  engine: TextReader;
}

/**
 * The screen-text worker's calls (screen-text.worker.ts exposes them): reading text in frames a media worker sends
 * (gated there: frames without stroke-like edges, and frames that repeat the one before, come without pixels), storing a
 * video's text as spans in OPFS segment files (one chunk per video, as transcripts are), and "On screen" search.
 * `reader` gives the reader of a language added from a folder (by its id), or the built-in one.
 */
export function screenTextApi(
  openBlobs: () => Promise<Blobs>,
  reader: (language?: string | null) => Promise<TextReader>,
) {
  let library: Promise<SegmentLibrary<VideoScreenText>> | undefined;
  // Every stored span by the words it shows, kept in step with the segment files (search looks up, never scans).
  const index = new WordIndex();
  const hooks: SegmentHooks<VideoScreenText> = {
    loaded(latest) {
      index.clear();
      for (const chunk of latest) index.set(chunk.videoId, chunk.value.spans);
    },
    stored: (chunk) => index.set(chunk.videoId, chunk.value.spans),
    dropped(chunks) {
      for (const chunk of chunks) index.remove(chunk.videoId);
    },
  };
  const runs = new Map<number, Run>();
  /** How the last reading of each video went (frames sampled, read, without strokes, ms in the engine): for the benchmark. */
  const readings = new Map<number, { frames: number; read: number; skipped: number; readMs: number }>();
  let nextToken = 1;

  async function ready(): Promise<SegmentLibrary<VideoScreenText>> {
    library ??= openBlobs().then((b) => new SegmentLibrary(new SegmentStore(b, screenTextCodec), hooks));
    library.catch(() => (library = undefined));
    const l = await library;
    await l.ready();
    return l;
  }

  /** The media worker's text gate already held back repeated frames and frames without strokes (`gated`). */
  async function readFrame(run: Run, frame: RgbaFrame) {
    let lines: ScreenLine[];
    if (frame.gated === 'repeat') lines = run.last;
    else if (frame.gated === 'blank') {
      lines = [];
      run.skipped++;
    } else {
      const started = performance.now();
      const minHeight = run.minTextShare * frame.height;
      lines = (await run.engine.read(frame, { minHeight })).filter((l) => l.box.h >= run.minTextShare);
      run.readMs += performance.now() - started;
      run.read++;
    }
    run.last = lines;
    run.frames.push({ time: frame.time, lines });
  }

  const api = {
    /**
     * Starts reading a video's frames in the library's language (loaded first: a language whose files were removed
     * fails here, before any frame is decoded); returns the run's token.
     */
    async begin(videoId: number, opts: ReadingOptions = {}): Promise<number> {
      const engine = await reader(opts.language);
      const token = nextToken++;
      const minTextShare = opts.minTextShare ?? 0;
      runs.set(token, { videoId, frames: [], last: [], read: 0, skipped: 0, readMs: 0, minTextShare, engine });
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
      const { read, skipped, readMs } = run;
      readings.set(run.videoId, { frames: run.frames.length, read, skipped, readMs });
      return { spans: spans.length, read, skipped, frames: run.frames.length };
    },

    /** Stores a video's text read elsewhere (the benchmark's synthetic hours), replacing the video's. */
    async store(libraryId: number, videoId: number, text: VideoScreenText): Promise<void> {
      await (await ready()).commit(libraryId, videoId, text);
    },

    /** How the last reading of a video in this worker went; undefined when none finished here. */
    lastReading(videoId: number) {
      return readings.get(videoId);
    },

    /** Forgets a run cut short. */
    cancel(token: number): void {
      runs.delete(token);
    },

    /** Spans showing every word of the query, best first; `videoIds` limits them to a view's videos. */
    async search(query: string, opts: { videoIds?: number[]; limit?: number } = {}) {
      await ready();
      const started = performance.now();
      const only = opts.videoIds ? new Set(opts.videoIds) : undefined;
      const found = index.search(searchWords(query), only);
      found.sort((a, b) => b.match.exact - a.match.exact || a.videoId - b.videoId || a.span.start - b.span.start);
      const hits: ScreenTextHit[] = found.slice(0, opts.limit ?? 200).map(({ videoId, span, match }) => ({
        videoId,
        start: span.start,
        end: span.end,
        text: span.lines.map((line) => line.text).join(' · '),
        boxes: match.words.map((w) => w.box),
        exact: match.exact,
      }));
      return { hits, spans: index.size, ms: performance.now() - started };
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
