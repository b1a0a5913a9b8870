// The files the video tools wrote into a library folder in OPFS, read from the page, and Debian's ffprobe's word on
// them (the truth about a file comes from outside the app that wrote it).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export interface Probed {
  duration: number;
  streams: { kind: string; codec: string; duration: number }[];
}

/** Duration of the file and of each stream, by ffprobe. */
export function probe(path: string): Probed {
  const out = JSON.parse(
    execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path], {
      encoding: 'utf8',
    }),
  ) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; duration?: string }[] };
  return {
    duration: Number(out.format.duration),
    streams: out.streams.map((s) => ({ kind: s.codec_type, codec: s.codec_name, duration: Number(s.duration) })),
  };
}

/** Key frame times of the first video stream, by ffprobe (no decoding). */
export function keyframesOf(path: string): number[] {
  return execFileSync(
    '/usr/bin/ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', path],
    { encoding: 'utf8' },
  )
    .split('\n')
    .map((l) => /pts_time=([\d.]+)/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined)
    .map(Number);
}

/** The names in the library folder's Clips folder (none when it does not exist). */
export function clipFiles(page: Page, folder: string): Promise<string[]> {
  return page.evaluate(async (dir) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    const names: string[] = [];
    try {
      const clips = await root.getDirectoryHandle('Clips');
      for await (const name of (clips as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    } catch (err) {
      if ((err as DOMException).name !== 'NotFoundError') throw err;
    }
    return names.sort();
  }, folder);
}

/** A file of the Clips folder, copied out into `tmp` for ffprobe; returns its path there. */
export async function clipOnDisk(page: Page, folder: string, name: string, tmp: string): Promise<string> {
  const base64 = await page.evaluate(
    async ([dir, file]) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const blob = await (await (await root.getDirectoryHandle('Clips')).getFileHandle(file)).getFile();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    [folder, name] as const,
  );
  const path = join(tmp, name);
  writeFileSync(path, Buffer.from(base64, 'base64'));
  return path;
}

/**
 * Plays a file of the Clips folder in a <video> of the page from its start, then seeks near its end: the browser's
 * own player decodes it. Returns what it saw (an error code when it could not).
 */
export function playInPage(
  page: Page,
  folder: string,
  name: string,
): Promise<{ error: number | null; width: number; duration: number; played: number; endSeek: boolean }> {
  return page.evaluate(
    async ([dir, file]) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const blob = await (await (await root.getDirectoryHandle('Clips')).getFileHandle(file)).getFile();
      const v = document.createElement('video');
      v.muted = true;
      const url = URL.createObjectURL(blob);
      const failed = new Promise<'error'>((done) => v.addEventListener('error', () => done('error'), { once: true }));
      const event = (name: string) =>
        new Promise<string>((done) => v.addEventListener(name, () => done(name), { once: true }));
      try {
        v.src = url;
        if ((await Promise.race([event('loadeddata'), failed])) === 'error')
          return { error: v.error?.code ?? -1, width: 0, duration: 0, played: 0, endSeek: false };
        await v.play();
        // A frame presented after play() started: the decoder is running, not only the first picture.
        await new Promise((done) => v.requestVideoFrameCallback(() => done(null)));
        await new Promise((done) => setTimeout(done, 300));
        v.pause();
        const played = v.currentTime;
        v.currentTime = Math.max(0, v.duration - 0.1);
        const endSeek = (await Promise.race([event('seeked'), failed])) === 'seeked';
        return { error: v.error?.code ?? null, width: v.videoWidth, duration: v.duration, played, endSeek };
      } finally {
        URL.revokeObjectURL(url);
      }
    },
    [folder, name] as const,
  );
}

/** The frame shown at `time` (seconds from the start), as 64 × 36 grey levels, decoded by Debian's ffmpeg. */
export const greyFrame = (path: string, time: number) =>
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-ss', String(time), '-i', path, '-frames:v', '1'],
    ...['-vf', 'scale=64:36,format=gray', '-f', 'rawvideo', '-'],
  ]);
export const meanDifference = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
