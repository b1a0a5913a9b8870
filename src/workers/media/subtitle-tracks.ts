// Subtitle tracks inside a video, read with ffmpeg.wasm (mediabunny demuxes audio and video tracks only): ffprobe
// lists the streams, then one ffmpeg run writes every text track as SRT. The File is mounted with WORKERFS
// and read in slices, never copied in whole.
import { FFFSType } from '@ffmpeg/ffmpeg';
import { probeArgs } from '../../lib/media/ffmpeg-args';
import { lastErrorLine } from '../../lib/media/ffprobe-parse';
import {
  extractSubtitleArgs,
  subtitlePlan,
  subtitleStreams,
  trackLabel,
  type SubtitleStream,
} from '../../lib/media/subtitle-streams';
import { checkin, checkout } from './ffmpeg-engine';

/** A track as the transcript worker takes it: its text in `format`, or why it has none. */
export interface EmbeddedSubtitle {
  label: string;
  language: string | null;
  format: 'srt';
  text: string;
  skipped?: string;
}

let seq = 0;

export async function readSubtitleTracks(file: File, timeoutMs: number): Promise<EmbeddedSubtitle[]> {
  const engine = await checkout();
  const dir = `/subs-${++seq}`;
  const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
  const input = `${dir}/input${ext}`;
  try {
    return await engine.exclusive(async () => {
      await engine.ffmpeg.createDir(dir);
      await engine.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: `input${ext}`, data: file }] }, dir);
      try {
        const probed = `${dir}-probe.json`;
        await engine.run('ffprobe', probeArgs(input, probed), timeoutMs, `list the subtitle tracks of “${file.name}”`);
        const json = await engine.ffmpeg.readFile(probed, 'utf8').catch(() => '');
        await engine.ffmpeg.deleteFile(probed).catch(() => undefined);
        const streams = subtitleStreams(typeof json === 'string' ? json : '');
        if (streams.length === 0) return [];
        const readable = streams.flatMap((s) => {
          const plan = subtitlePlan(s);
          return plan.format ? [{ stream: s, index: s.index, path: `${dir}-track-${s.index}.${plan.format}` }] : [];
        });
        const texts = new Map<SubtitleStream, string>();
        if (readable.length > 0) {
          const log = await engine.run(
            'exec',
            extractSubtitleArgs(input, readable),
            timeoutMs,
            `read the subtitle tracks of “${file.name}”`,
          );
          for (const r of readable) {
            const text = await engine.ffmpeg.readFile(r.path, 'utf8').catch(() => null);
            await engine.ffmpeg.deleteFile(r.path).catch(() => undefined);
            if (typeof text === 'string') texts.set(r.stream, text);
          }
          // ffmpeg's own words name internal mount paths: they go to the console, not to the user.
          if (texts.size < readable.length)
            console.warn(`ffmpeg could not read a subtitle track of ${file.name}:`, lastErrorLine(log));
        }
        return streams.map((s): EmbeddedSubtitle => {
          const plan = subtitlePlan(s);
          const base = { label: trackLabel(s), language: s.language, format: plan.format ?? 'srt', text: '' };
          const text = texts.get(s);
          if (text !== undefined) return { ...base, text };
          return { ...base, skipped: plan.skipped ?? 'This subtitle track could not be read: skipped.' };
        });
      } finally {
        await engine.ffmpeg.unmount(dir).catch(() => undefined);
        await engine.ffmpeg.deleteDir(dir).catch(() => undefined);
      }
    });
  } finally {
    checkin(engine);
  }
}
