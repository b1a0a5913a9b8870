import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import { EditGate } from '../../src/workers/edit-gate';
import { SaveScheduler } from '../../src/workers/save-scheduler';
import { file, sqlJs } from './helpers';

/** A catalog wired as the catalog worker wires it, with a disk whose saves finish when the test says. */
async function setup() {
  const disk = { saved: null as Uint8Array | null, saves: 0, fail: null as Error | null };
  let finishSave: (() => void) | null = null;
  const saveStarted: Array<() => void> = [];
  const saves = new SaveScheduler(
    async () => {
      const image = catalog.export();
      disk.saves += 1;
      for (const notify of saveStarted.splice(0)) notify();
      await new Promise<void>((resolve) => (finishSave = resolve));
      if (disk.fail) throw disk.fail;
      disk.saved = image;
    },
    60_000, // the debounced path never fires on its own during a test
    60_000,
    60_000,
  );
  const gate = new EditGate(() => saves.flush());
  const catalog = Catalog.open(await sqlJs(), null, {
    onWrite: (kind) => {
      if (kind === 'edit') gate.markEdited();
      saves.request();
    },
  });
  const run = <T>(call: (c: Catalog) => T) => gate.run(() => call(catalog));
  const untilSaveStarts = () => new Promise<void>((resolve) => saveStarted.push(resolve));
  const finish = () => {
    const done = finishSave;
    finishSave = null;
    done?.();
  };
  /** What a reload would show: the libraries in the last saved image. */
  const onDisk = async () =>
    disk.saved
      ? Catalog.open(await sqlJs(), disk.saved)
          .listLibraries()
          .map((l) => l.name)
      : [];
  return { catalog, disk, run, untilSaveStarts, finish, onDisk, saves };
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i++) await Promise.resolve();
  return done;
};

describe('EditGate: a user edit is on disk before anyone sees it', () => {
  it('an edit resolves only after its save, and a read started meanwhile shows it only then', async () => {
    const t = await setup();
    const started = t.untilSaveStarts();
    const added = t.run((c) => c.addLibrary('Home videos', 'handle'));
    await started;
    // A refresh (the jobs panel, the sidebar) arrives while the save is under way.
    const read = t.run((c) => c.listLibraries().map((l) => l.name));
    expect(await settled(added)).toBe(false);
    expect(await settled(read)).toBe(false);
    expect(await t.onDisk()).toEqual([]);
    t.finish();
    await added;
    expect(await read).toEqual(['Home videos']);
    expect(await t.onDisk()).toEqual(['Home videos']);
  });

  it('a removal is never shown before it is saved (the lost removal of issue 12)', async () => {
    const t = await setup();
    const first = t.untilSaveStarts();
    const added = t.run((c) => c.addLibrary('Trips', 'handle'));
    await first;
    t.finish();
    await added;
    const id = (await t.run((c) => c.listLibraries()))[0]!.id;
    const started = t.untilSaveStarts();
    const removed = t.run((c) => c.removeLibrary(id));
    await started;
    const shown = t.run((c) => c.listLibraries().length);
    expect(await settled(shown)).toBe(false);
    t.finish();
    await removed;
    expect(await shown).toBe(0);
    expect(await t.onDisk()).toEqual([]);
  });

  it('bookkeeping writes do not wait for a save', async () => {
    const t = await setup();
    const started = t.untilSaveStarts();
    const lib = t.run((c) => c.addLibrary('Clips', 'files'));
    await started;
    t.finish();
    const { id } = await lib;
    const before = t.disk.saves;
    await t.run((c) => c.applyScanOps(id, [{ kind: 'add', file: file('a.mp4') }]));
    expect(t.disk.saves).toBe(before);
    expect(t.saves.pending).toBe(true);
  });

  it('a failed save rejects the edit, keeps it pending for the retry and does not block later calls', async () => {
    const t = await setup();
    t.disk.fail = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    const started = t.untilSaveStarts();
    const added = t.run((c) => c.createCollection('Best of'));
    await started;
    t.finish();
    await expect(added).rejects.toThrow('quota');
    expect(t.saves.pending).toBe(true);
    expect((await t.run((c) => c.listCollections())).map((c) => c.name)).toEqual(['Best of']);
    // Room was made: the next save writes the edit.
    t.disk.fail = null;
    const retried = t.saves.flush();
    t.finish();
    await retried;
    expect(t.disk.saved).not.toBe(null);
  });
});
