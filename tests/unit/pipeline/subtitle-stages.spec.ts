// The subtitle files beside a video, from the scan's links to "Said" search: a real catalog, the real sidecars stage
// and the real transcript worker API over an in-memory blob store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageOf } from '../../../src/indexing/registry';
import type { Job, SidecarLink } from '../../../src/lib/types';
import { freshCatalog } from '../helpers';
import { generatedSource } from './generated-source';
import { testTools } from './tools';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'subtitles', name)));

async function setup(files: Record<string, Uint8Array>) {
  const { catalog } = await freshCatalog();
  const lib = catalog.addLibrary('Talks', 'handle');
  catalog.applyScanOps(lib.id, [{ kind: 'add', file: { path: 'evening/talk.mp4', size: 200_000, modifiedAt: 1000 } }]);
  const [{ id }] = catalog.listVideos();
  const t = testTools(catalog, { source: () => generatedSource(), files });
  const link = (path: string, language: string | null, size = 100, modifiedAt = 1): SidecarLink => ({
    videoPath: 'evening/talk.mp4',
    path,
    language,
    size,
    modifiedAt,
  });
  const runSidecars = async () => {
    const job = catalog.listJobs('queued', 100).find((j) => j.videoId === id && j.stage === 'sidecars') as Job;
    expect(job, 'a queued sidecars job').toBeDefined();
    catalog.sql.run(`UPDATE jobs SET status = 'running' WHERE id = ?`, [job.id]); // as claimJobs leaves it
    await stageOf('sidecars').run(job, { signal: new AbortController().signal, progress: () => {}, tools: t.tools });
    catalog.completeJob(job.id);
  };
  const queuedSidecars = () => catalog.listJobs('queued', 100).filter((j) => j.stage === 'sidecars').length;
  return { catalog, lib, id, link, runSidecars, queuedSidecars, ...t };
}

describe('subtitle files beside a video', () => {
  it('are read in any encoding, stored with their language, and found by words', async () => {
    const files = { 'evening/talk.srt': fixture('talk.srt'), 'evening/talk.fr.srt': fixture('letters.fr.srt') };
    const s = await setup(files);
    expect(
      s.catalog.linkSidecars(s.lib.id, [s.link('evening/talk.srt', null), s.link('evening/talk.fr.srt', 'fr')]),
    ).toBe(1);
    await s.runSidecars();
    const tracks = await s.transcripts.tracks(s.id);
    expect(tracks.map((t) => [t.source, t.label, t.language, t.cues.length])).toEqual([
      ['sidecar', 'talk.fr.srt', 'fr', 1],
      ['sidecar', 'talk.srt', null, 4],
    ]);
    const { hits } = await s.transcripts.search('lighthouse ferry');
    expect(hits).toMatchObject([{ videoId: s.id, start: 2.4, source: 'sidecar' }]);
    expect((await s.transcripts.search('creme brulee')).hits[0].text).toContain('Crème brûlée');
  });

  it('a rescan re-reads only a set of files that changed, and a deleted file takes its lines with it', async () => {
    const files: Record<string, Uint8Array> = { 'evening/talk.srt': fixture('talk.srt') };
    const s = await setup(files);
    s.catalog.linkSidecars(s.lib.id, [s.link('evening/talk.srt', null)]);
    await s.runSidecars();
    expect((await s.transcripts.search('lighthouse')).hits).toHaveLength(1);
    // The same file again: nothing to do.
    expect(s.catalog.linkSidecars(s.lib.id, [s.link('evening/talk.srt', null)])).toBe(0);
    expect(s.queuedSidecars()).toBe(0);
    // Edited (new size and time): read again, with its new lines.
    files['evening/talk.srt'] = fixture('broken.srt');
    expect(s.catalog.linkSidecars(s.lib.id, [s.link('evening/talk.srt', null, 201, 2)])).toBe(1);
    await s.runSidecars();
    expect((await s.transcripts.search('lighthouse')).hits).toEqual([]);
    const tracks = await s.transcripts.tracks(s.id);
    expect(tracks[0].cues.map((c) => c.text)).toEqual(['The first line reads fine.', 'The last line reads fine too.']);
    expect(tracks[0].warnings[0]).toMatch(/^talk\.srt: 2 SRT blocks could not be read/);
    // Deleted: unlinked, and its lines are no longer found.
    delete files['evening/talk.srt'];
    expect(s.catalog.linkSidecars(s.lib.id, [])).toBe(1);
    expect(s.catalog.listSidecars(s.id)).toEqual([]);
    await s.runSidecars();
    expect((await s.transcripts.search('first line')).hits).toEqual([]);
  });

  it('lines of other sources stay when the subtitle files are read again', async () => {
    const s = await setup({ 'evening/talk.srt': fixture('talk.srt') });
    await s.transcripts.storeTracks(s.id, s.lib.id, 'embedded', [
      {
        source: 'embedded',
        language: 'en',
        label: 'Track 2',
        modelId: null,
        cues: [{ start: 9, end: 10, text: 'From inside' }],
        warnings: [],
      },
    ]);
    s.catalog.linkSidecars(s.lib.id, [s.link('evening/talk.srt', null)]);
    await s.runSidecars();
    expect((await s.transcripts.tracks(s.id)).map((t) => t.source)).toEqual(['embedded', 'sidecar']);
    expect((await s.transcripts.search('inside')).hits).toHaveLength(1);
  });
});
