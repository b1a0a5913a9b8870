// What several stages share: opening a job's video, its settings, storing its images, time limits.
import { AbortError, isPermissionError } from '../lib/errors';
import { readSettings, type SettingValue } from '../lib/settings';
import type { Tier } from '../lib/media/types';
import type { Job, Video } from '../lib/types';
import type { PipelineTools } from './stage';

/** A stage may take this long per second of video, and never less than the floor. */
export const timeoutFor = (duration: number | null, perSecondMs: number, floorMs = 60_000) =>
  Math.max(floorMs, (duration ?? 0) * perSecondMs);

export const samplingSettings = (tools: PipelineTools): Promise<SettingValue<'sampling'>> =>
  readSettings(tools.db, 'sampling');

/** The video of a job and its file, or why the job must wait (folder not connected, permission withdrawn). */
export async function openVideo(job: Job, tools: PipelineTools): Promise<{ video: Video; file: File }> {
  const video = await jobVideo(job, tools);
  return { video, file: await whileAllowed(job, tools, video, () => tools.openFile(video)) };
}

export async function jobVideo(job: Job, tools: PipelineTools): Promise<Video> {
  const video = await tools.db.getVideo(job.videoId);
  if (!video) throw new Error('This video is no longer in the catalog.');
  return video;
}

/** Opens a file of the video's library; when folder access was withdrawn, the job waits instead of failing. */
export async function whileAllowed<T>(
  job: Job,
  tools: PipelineTools,
  video: Video,
  open: () => Promise<T>,
): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (!isPermissionError(err)) throw err;
    // The folder's permission was withdrawn: the job waits for "Reconnect folder" instead of failing.
    tools.lostAccess(video.libraryId);
    await tools.db.requeueJobs([job.id]);
    throw new AbortError('Folder access was withdrawn');
  }
}

export function needDuration(video: Video): number {
  if (video.duration === null) throw new Error('The video has not been probed yet.');
  return video.duration;
}

/** The tier that read the video before, so the media worker goes straight to it. */
export const tierOf = (video: Video): Tier | undefined => video.tier ?? undefined;

export interface StoredImage {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
  frameCount: number;
}

/** Puts an image in the blob store and records it on the video (poster, scrub strip, scene sheet). */
export async function storeImage(
  tools: PipelineTools,
  videoId: number,
  kind: 'poster' | 'strip' | 'scenes',
  image: StoredImage,
  time: number | null = null,
): Promise<void> {
  await tools.db.blobPut(`${kind}-${videoId}`, image.bytes);
  const { mime, width, height, frameCount } = image;
  await tools.db.saveThumbnail({ videoId, kind, mime, width, height, frameCount, time });
}

/** Puts the job back in the queue without counting the attempt, and ends this run (the model changed under it). */
export async function runAgain(job: Job, tools: PipelineTools): Promise<never> {
  await tools.db.requeueJobs([job.id]);
  throw new AbortError('The model changed');
}
