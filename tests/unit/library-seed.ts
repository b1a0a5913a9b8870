import type { Catalog } from '../../src/db/catalog';
import { freshCatalog, file } from './helpers';

interface Seed {
  path: string;
  size: number;
  /** ISO date of the file's modified time. */
  modified: string;
  /** Probe result; none for a file that failed before the probe. */
  probe?: { created: string | null; duration: number; width: number; height: number; container: string; codec: string };
  tags?: string[];
  missing?: boolean;
  failed?: boolean;
}

/**
 * A small library with every facet value in it. Dates are UTC; "old.avi" is half an hour before 2023 in UTC,
 * so it would land in 2023 in any time zone east of Greenwich if the catalog used local time.
 */
export const seeds = {
  beach: {
    path: 'trips/2023/beach.mp4',
    size: 500,
    modified: '2023-07-01',
    probe: { created: '2023-06-10', duration: 30, width: 3840, height: 2160, container: 'mp4', codec: 'h264' },
    tags: ['beach', 'Summer'],
  },
  hike: {
    path: 'trips/2023/hike.mov',
    size: 400,
    modified: '2023-07-01',
    probe: { created: '2023-06-20', duration: 200, width: 1920, height: 1080, container: 'mov', codec: 'hevc' },
    tags: ['summer'],
  },
  city: {
    path: 'trips/2024/city.mkv',
    size: 300,
    modified: '2024-02-01',
    probe: { created: '2024-01-05', duration: 700, width: 1280, height: 720, container: 'matroska', codec: 'vp9' },
    tags: ['city'],
  },
  night: {
    path: 'trips/2024/night.webm',
    size: 800,
    modified: '2024-03-15',
    // No creation date in its tags: filed under its modified time.
    probe: { created: null, duration: 1500, width: 640, height: 480, container: 'webm', codec: 'vp9' },
  },
  birthday: {
    path: 'home/birthday.mp4',
    size: 700,
    modified: '2024-04-01',
    // Portrait 1080p, exactly one minute.
    probe: { created: '2024-03-02', duration: 60, width: 1080, height: 1920, container: 'mp4', codec: 'h264' },
    tags: ['family', 'summer'],
  },
  old: {
    path: 'home/old.avi',
    size: 200,
    modified: '2023-01-05',
    // 1440p: labelled "1440p", counted under 1080p.
    probe: {
      created: '2022-12-31T23:30:00Z',
      duration: 59.9,
      width: 2560,
      height: 1440,
      container: 'avi',
      codec: 'mpeg4',
    },
    missing: true,
  },
  broken: { path: 'home/broken.mp4', size: 100, modified: '2024-03-20', failed: true },
  root: {
    path: 'root.mp4',
    size: 600,
    modified: '2024-02-01',
    probe: { created: '2024-01-20', duration: 1300, width: 1920, height: 1080, container: 'mp4', codec: 'h264' },
  },
} satisfies Record<string, Seed>;

export type SeedName = keyof typeof seeds;

/** Marks `videoId` failed the way the queue does: its first job fails for good, every other job completes. */
function failVideo(catalog: Catalog, videoId: number): void {
  let failed = false;
  for (let jobs = catalog.claimJobs(100); jobs.length > 0; jobs = catalog.claimJobs(100)) {
    for (const job of jobs) {
      if (job.videoId === videoId && !failed) {
        catalog.failJob(job.id, 'Unsupported file', true);
        failed = true;
      } else catalog.completeJob(job.id);
    }
  }
}

export async function seededLibrary() {
  const { catalog, clock } = await freshCatalog();
  const lib = catalog.addLibrary('Home', 'handle');
  const entries = Object.entries(seeds) as [SeedName, Seed][];
  catalog.applyScanOps(
    lib.id,
    entries.map(([, s]) => ({ kind: 'add', file: file(s.path, s.size, Date.parse(s.modified)) })),
  );
  const byPath = new Map(catalog.listVideos().map((v) => [v.path, v.id]));
  const ids = Object.fromEntries(entries.map(([name, s]) => [name, byPath.get(s.path)!])) as Record<SeedName, number>;
  for (const [name, s] of entries) {
    const id = ids[name];
    if (s.probe) {
      const p = s.probe;
      catalog.saveProbe(
        id,
        {
          duration: p.duration,
          width: p.width,
          height: p.height,
          fps: 25,
          videoCodec: p.codec,
          audioCodec: null,
          container: p.container,
          bitrate: null,
          rotation: 0,
          hasAudio: false,
          createdAt: p.created === null ? null : Date.parse(p.created),
        },
        'webcodecs',
      );
    }
    if (s.tags) catalog.tagVideos([id], s.tags);
    if (s.missing) catalog.applyScanOps(lib.id, [{ kind: 'missing', id }]);
  }
  failVideo(catalog, ids.broken);
  const folders = Object.fromEntries(catalog.listFolders(lib.id).map((f) => [f.path, f.id]));
  const tags = Object.fromEntries(catalog.listTags().map((t) => [t.name.toLowerCase(), t.id]));
  /** Seed names of videos, for readable expectations. */
  const names = (videos: { id: number }[]) =>
    videos.map((v) => (Object.keys(ids) as SeedName[]).find((n) => ids[n] === v.id) ?? `#${v.id}`);
  return { catalog, clock, lib, ids, folders, tags, names };
}
