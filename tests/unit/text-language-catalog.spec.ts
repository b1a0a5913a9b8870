// A library's language for text on screen: stored in the catalog, and changing it reads the library's videos again
// while its "Read text on screen" switch is on.
import { describe, expect, test } from 'vitest';
import { seededLibrary } from './library-seed';

/** Runs every queued job to completion, as the queue does. */
function runAll(catalog: Awaited<ReturnType<typeof seededLibrary>>['catalog']) {
  for (let jobs = catalog.claimJobs(100); jobs.length > 0; jobs = catalog.claimJobs(100))
    for (const job of jobs) catalog.completeJob(job.id);
}

const readJobs = (catalog: Awaited<ReturnType<typeof seededLibrary>>['catalog']) =>
  catalog.listJobs('queued', 1000).filter((j) => j.stage === 'read-text').length;

describe("a library's language for text on screen", () => {
  test('is the built-in one until chosen, and is kept', async () => {
    const { catalog, lib } = await seededLibrary();
    expect(catalog.listLibraries()[0].textLanguage).toBeNull();
    expect(catalog.setTextLanguage(lib.id, 'cyrillic')).toBe(0);
    expect(catalog.listLibraries()[0].textLanguage).toBe('cyrillic');
    // Nothing is read while the switch is off.
    expect(readJobs(catalog)).toBe(0);
    catalog.setTextLanguage(lib.id, null);
    expect(catalog.listLibraries()[0].textLanguage).toBeNull();
  });

  test("changing it while text is read queues the library's videos again; the same language again queues none", async () => {
    const { catalog, lib } = await seededLibrary();
    const videos = catalog.setReadText(lib.id, true);
    expect(videos).toBeGreaterThan(0);
    runAll(catalog);
    expect(readJobs(catalog)).toBe(0);

    expect(catalog.setTextLanguage(lib.id, 'cyrillic')).toBe(videos);
    expect(readJobs(catalog)).toBe(videos);
    runAll(catalog);
    expect(catalog.setTextLanguage(lib.id, 'cyrillic')).toBe(0);
    expect(readJobs(catalog)).toBe(0);
    expect(catalog.setTextLanguage(lib.id, null)).toBe(videos);
  });
});
