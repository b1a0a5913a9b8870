import { proxy, transfer } from 'comlink';
import { isPermissionError } from '../lib/errors';
import { AbortError } from '../lib/jobs';
import type { StageHandler } from '../lib/job-runner';
import { defaultSampling, samplingPlan, type SamplingSettings } from '../lib/media/sampling';
import type { RgbaFrame, Tier } from '../lib/media/types';
import type { Job, JobStage, Video } from '../lib/types';
import { newScanWorker, searchWorker } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { raceAbort } from '../lib/timing';
import { catalog } from './catalog.svelte';
import { embeddingsStage } from './embeddings-stage';
import { beginPass, handOn } from './frame-hooks';
import { imports } from './import.svelte';
import type { MediaPool } from './media-pool';
import { commitFingerprints } from './search-index';

/** A stage may take this long per second of video, and never less than the floor. */
const timeoutFor = (duration: number | null, perSecondMs: number, floorMs = 60_000) =>
  Math.max(floorMs, (duration ?? 0) * perSecondMs);

async function samplingSettings(): Promise<SamplingSettings> {
  return {
    ...defaultSampling,
    ...((await catalog.db.getSetting('sampling', defaultSampling)) as Partial<SamplingSettings>),
  };
}

/** The video of a job and its file, or why the job must wait (folder not connected, permission withdrawn). */
async function openVideo(job: Job): Promise<{ video: Video; file: File }> {
  const video = await catalog.db.getVideo(job.videoId);
  if (!video) throw new Error('This video is no longer in the catalog.');
  const source = imports.sourceOf(video.libraryId);
  if (!source) throw new Error('The folder of this video is not connected.');
  try {
    return { video, file: await openFile(source, video.path) };
  } catch (err) {
    if (!isPermissionError(err)) throw err;
    // The folder's permission was withdrawn: the job waits for "Reconnect folder" instead of failing.
    imports.lostAccess(video.libraryId);
    await catalog.db.requeueJobs([job.id]);
    throw new AbortError('Folder access was withdrawn');
  }
}

function needDuration(video: Video): number {
  if (video.duration === null) throw new Error('The video has not been probed yet.');
  return video.duration;
}

/** Puts an image in the blob store and records it on the video (poster, scrub strip, scene sheet). */
async function storeImage(
  videoId: number,
  kind: 'poster' | 'strip' | 'scenes',
  image: { bytes: Uint8Array; mime: string; width: number; height: number; frameCount: number },
  time: number | null = null,
): Promise<void> {
  await catalog.db.blobPut(`${kind}-${videoId}`, image.bytes);
  const { mime, width, height, frameCount } = image;
  await catalog.db.saveThumbnail({ videoId, kind, mime, width, height, frameCount, time });
}

const tierOf = (video: Video) => (video.tier ?? undefined) as Tier | undefined;

/**
 * Every stage as a job handler: the checksum in a long-lived worker of its own (cheap reads, never
 * terminated), the media stages on a pool of media workers.
 */
export function stageHandlers(pool: MediaPool): Partial<Record<JobStage, StageHandler>> {
  const files = newScanWorker();
  return {
    checksum: async (job, ctx) => {
      const { video, file } = await openVideo(job);
      await catalog.db.setQuickHash(video.id, await raceAbort(files.api.checksum(file), ctx.signal));
    },

    probe: async (job, ctx) => {
      const { video, file } = await openVideo(job);
      const r = await pool.run(ctx.signal, 60_000, 'Reading the video', (m) => m.probe(file));
      await catalog.db.saveProbe(video.id, r.probe, r.tier);
    },

    poster: async (job, ctx) => {
      const { video, file } = await openVideo(job);
      const duration = needDuration(video);
      const r = await pool.run(ctx.signal, timeoutFor(duration, 50), 'Making the poster', (m) =>
        m.poster(file, duration, tierOf(video)),
      );
      await storeImage(video.id, 'poster', r, r.time);
    },

    scenes: async (job, ctx) => {
      const { video, file } = await openVideo(job);
      const duration = needDuration(video);
      const s = await samplingSettings();
      await beginPass(video, 'keyframes');
      const r = await pool.run(ctx.signal, timeoutFor(duration, 200), 'Finding scenes', (m) =>
        m.scenes(
          file,
          duration,
          { maxKeyframes: s.maxKeyframes, maxDuration: s.maxDuration, batchSize: s.frameBatchSize },
          proxy((frames: RgbaFrame[]) => handOn(video, frames, 'keyframes')),
          tierOf(video),
        ),
      );
      await catalog.db.saveScenes(video.id, r.scenes);
      await catalog.db.saveFrames(
        video.id,
        r.keyframes.map((time) => ({ time, keyframe: true })),
      );
      await storeImage(video.id, 'strip', r.strip);
      if (r.sheet) await storeImage(video.id, 'scenes', r.sheet);
    },

    frames: async (job, ctx) => {
      const { video, file } = await openVideo(job);
      const duration = needDuration(video);
      const s = await samplingSettings();
      const [known, scenes] = await Promise.all([catalog.db.listFrames(video.id), catalog.db.listScenes(video.id)]);
      const plan = samplingPlan(
        duration,
        known.filter((f) => f.keyframe).map((f) => f.time),
        scenes.slice(1).map((sc) => sc.start),
        s,
      );
      await beginPass(video, 'interval');
      const r = await pool.run(ctx.signal, timeoutFor(duration, 300), 'Sampling frames', (m) =>
        m.sampleFrames(
          file,
          plan,
          duration,
          video.fps,
          s.frameBatchSize,
          proxy(async (frames: RgbaFrame[], done: number) => {
            await handOn(video, frames, 'interval');
            ctx.progress((done / Math.max(1, plan.length)) * 90);
          }),
          tierOf(video),
        ),
      );
      await catalog.db.saveScenes(video.id, r.scenes);
      if (r.sheet) await storeImage(video.id, 'scenes', r.sheet);
      await catalog.db.saveFrames(video.id, r.decoded);
    },

    fingerprints: async (job, ctx) => {
      const stored = await catalog.db.getVideo(job.videoId);
      if (stored && (await commitFingerprints(stored))) return;
      // The frames were handed on before a reload (or by an older version): decode the catalogued ones again.
      const { video, file } = await openVideo(job);
      const duration = needDuration(video);
      const s = await samplingSettings();
      const plan = (await catalog.db.listFrames(video.id)).map((f) => ({ time: f.time, keyframe: f.keyframe }));
      await searchWorker.api.begin(video.id, 'again');
      await pool.run(ctx.signal, timeoutFor(duration, 300), 'Fingerprinting frames', (m) =>
        m.sampleFrames(
          file,
          plan,
          duration,
          video.fps,
          s.frameBatchSize,
          proxy(async (frames: RgbaFrame[], done: number) => {
            await searchWorker.api.addFrames(
              video.id,
              'again',
              transfer(
                frames,
                frames.map((f) => f.data.buffer),
              ),
            );
            ctx.progress((done / Math.max(1, plan.length)) * 95);
          }),
          tierOf(video),
        ),
      );
      await commitFingerprints(video, ['again']);
    },

    embeddings: embeddingsStage(pool, openVideo),
  };
}
