// Queries for the real-world quality test, from tests/fixtures/realworld.json (made by
// tests/scripts/make-realworld-fixtures.mjs): frames of each fixture as a user sees them (written by ffmpeg,
// rotation applied), given the same screenshot transforms as the search-quality test (search-queries.ts), and
// re-encoded clips. Every frame and clip is read in Node and handed to the page as a Blob.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness';
import { seededRandom } from '../shared/random';
import {
  describeTransform,
  imageTransforms,
  renderImage,
  withTransformParams,
  type ImagePlan,
  type ImageQuery,
} from './search-queries';

export const realworldDir = join(repoRoot, 'tests', 'fixtures', 'realworld');

export interface RealworldVideo {
  path: string;
  class: string;
  notes: string;
  duration: number;
  startTime: number;
  width: number;
  height: number;
  codec: string;
  pixFmt: string;
  rotation: number;
  /** Loops: moments one period apart look the same, so a moment counts modulo the period. */
  loopPeriod: number | null;
  frames: number;
}

/**
 * [first, last] frame time (s, the same base as `time`) of the run of consecutive frames of the library file that
 * show the same picture as the frame asked about: a still stretch (a Game of Life generation held for ~12 frames,
 * a repeated frame) cannot be told apart from the asked frame, so answering any frame of it is the right moment.
 */
export type SamePicture = [from: number, to: number];

export interface RealworldManifest {
  videos: RealworldVideo[];
  images: { path: string; video: string; class: string; time: number; same: SamePicture; mirrored: boolean }[];
  clips: { path: string; video: string; class: string; start: number; same: SamePicture; duration: number }[];
  outside: { path: string; time: number }[];
}

export function realworldManifest(): RealworldManifest {
  return JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'realworld.json'), 'utf8')) as RealworldManifest;
}

export interface RealworldImageQuery extends ImageQuery {
  class: string;
  /** The still run of the asked frame (see SamePicture); [time, time] for frames of videos not in the library. */
  same: SamePicture;
}

/** A blob: URL in the page for a file under tests/fixtures/realworld. */
async function blobUrl(page: Page, path: string, type: string): Promise<string> {
  const base64 = readFileSync(join(realworldDir, ...path.split('/'))).toString('base64');
  return page.evaluate(
    async ({ base64, type }) => URL.createObjectURL(await (await fetch(`data:${type};base64,${base64}`)).blob()),
    { base64, type },
  );
}

/**
 * One query per frame, the transforms cycling (downscale → jpeg → crop → brightness → letterbox → caption) in
 * manifest order, their parameters drawn from a seeded generator.
 */
export async function realworldImageQueries(
  page: Page,
  frames: { path: string; video: string; class: string; time: number; same?: SamePicture }[],
  seed: number,
): Promise<RealworldImageQuery[]> {
  const random = seededRandom(seed);
  const out: RealworldImageQuery[] = [];
  for (const [index, frame] of frames.entries()) {
    const transform = imageTransforms[index % imageTransforms.length];
    const video = { path: frame.video, duration: 0 };
    const plan: ImagePlan = withTransformParams(
      { index, video, requestedTime: frame.time, transform, fromImage: true },
      random,
    );
    const url = await blobUrl(page, frame.path, 'image/jpeg');
    const r = await renderImage(page, url, plan);
    out.push({
      kind: 'image',
      class: frame.class,
      bytes: Buffer.from(r.base64, 'base64'),
      base64: r.base64,
      mime: r.mime,
      name: `${frame.path.split('/').pop()}-${transform}`,
      video: frame.video,
      time: frame.time,
      same: frame.same ?? [frame.time, frame.time],
      requestedTime: frame.time,
      transform,
      detail: describeTransform(plan, r.width, r.height),
      width: r.width,
      height: r.height,
    });
  }
  return out;
}

/** A fixture clip as base64 with its MIME type. */
export function clipFile(path: string): { base64: string; mime: string } {
  const mime = path.endsWith('.webm') ? 'video/webm' : 'video/mp4';
  return { base64: readFileSync(join(realworldDir, ...path.split('/'))).toString('base64'), mime };
}
