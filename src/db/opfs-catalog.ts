import type { CatalogStore, LoadedCatalog } from './catalog-store';
import { changesMagic, decodeSnapshot, encodeSnapshot, headerGeneration, headerSize, newestSnapshot } from './snapshot';
import { readFileBytes, writeFileWhole } from './opfs-read';

const slotNames = ['catalog-a.ffdb', 'catalog-b.ffdb'];
const changesName = (generation: number, seq: number) => `changes-${generation}-${seq}.ffjr`;
const changesPattern = /^changes-(\d+)-(\d+)\.ffjr$/;

/**
 * The catalog in OPFS: two slots written in turn (a tab killed mid-save leaves the other, the previous image,
 * intact), and after the newest image, one small file per later save holding just its changes, named by the
 * image's generation and its place in the log. A file is written whole or not at all (createWritable swaps it
 * in on close), so readers in other tabs never see half of one.
 */
export class OpfsCatalogStore implements CatalogStore {
  readonly backend = 'opfs' as const;
  #generation = 0;
  #slot = 1;
  #imageBytes = 0;
  #changes = { files: 0, bytes: 0 };
  #broken = false;
  constructor(private dir: FileSystemDirectoryHandle) {}

  async load(): Promise<LoadedCatalog> {
    const { newest, damaged } = await newestSnapshot(await Promise.all(slotNames.map((n) => this.#read(n))));
    this.#changes = { files: 0, bytes: 0 };
    this.#broken = false;
    if (!newest) return { body: null, damaged, changes: [], generation: this.#generation };
    this.#generation = newest.generation;
    this.#slot = newest.slot;
    this.#imageBytes = newest.body.byteLength;
    const changes = await this.#readChanges();
    return {
      body: newest.body,
      damaged: damaged + changes.damaged,
      changes: changes.files,
      generation: newest.generation,
    };
  }

  async changesAfter(generation: number, count: number): Promise<Uint8Array[] | null> {
    // Only the slots' headers: a newer generation in either means a whole image was written since.
    const headers = await Promise.all(slotNames.map((n) => this.#read(n, headerSize)));
    const newest = Math.max(0, ...headers.map((h) => (h ? (headerGeneration(h) ?? 0) : 0)));
    if (newest !== generation) return null;
    const seqs = (await this.#listChanges())
      .filter((c) => c.generation === generation && c.seq > count)
      .map((c) => c.seq)
      .sort((a, b) => a - b);
    const read = await Promise.all(seqs.map((seq) => this.#read(changesName(generation, seq))));
    const files: Uint8Array[] = [];
    for (const [i, seq] of seqs.entries()) {
      const data = read[i];
      // Gone since the listing (the writer retired this generation: the next call sees its new image), or an empty
      // last file (a write that failed; the next save writes over it): stop at what is there.
      if (!data || (data.byteLength === 0 && i === seqs.length - 1)) break;
      const decoded = seq === count + 1 + i ? await decodeSnapshot(data, changesMagic) : null;
      // A file missing before this one, or a damaged one: what follows cannot be applied.
      if (!decoded || decoded.generation !== seq) return null;
      files.push(decoded.body);
    }
    return files;
  }

  get pending() {
    return { hasImage: this.#generation > 0 && !this.#broken, imageBytes: this.#imageBytes, ...this.#changes };
  }

  async save(body: Uint8Array): Promise<void> {
    const generation = this.#generation + 1;
    // Change files numbered for this generation can only be left from an image that was later found damaged.
    await this.#deleteChanges((g) => g >= generation);
    const slot = 1 - this.#slot;
    await this.#write(slotNames[slot], await encodeSnapshot(body, generation));
    this.#generation = generation;
    this.#slot = slot;
    this.#imageBytes = body.byteLength;
    this.#changes = { files: 0, bytes: 0 };
    this.#broken = false;
    // The previous image's log is kept with it (together they rebuild this image if it is ever damaged); older
    // ones are dead weight now (a failure here costs only space).
    await this.#deleteChanges((g) => g < generation - 1).catch(() => undefined);
  }

  async append(changes: Uint8Array): Promise<void> {
    const seq = this.#changes.files + 1;
    await this.#write(changesName(this.#generation, seq), await encodeSnapshot(changes, seq, changesMagic));
    this.#changes = { files: seq, bytes: this.#changes.bytes + changes.byteLength };
  }

  /** The change files after the current image, in order, up to the first missing or damaged one. */
  async #readChanges(): Promise<{ files: Uint8Array[]; damaged: number }> {
    const seqs = (await this.#listChanges()).filter((c) => c.generation === this.#generation).map((c) => c.seq);
    seqs.sort((a, b) => a - b);
    // Read together: one at a time, a few hundred small files would take seconds to open.
    const read = await Promise.all(
      seqs.map((seq, i) => (seq === i + 1 ? this.#read(changesName(this.#generation, seq)) : null)),
    );
    const files: Uint8Array[] = [];
    let bytes = 0;
    for (const [i, seq] of seqs.entries()) {
      const data = read[i];
      // An empty last file is a write that failed (storage full) after creating it: the next save writes over it.
      if (data?.byteLength === 0 && i === seqs.length - 1) break;
      const decoded = data ? await decodeSnapshot(data, changesMagic) : null;
      if (!decoded || decoded.generation !== seq) {
        // Whatever follows a gap cannot be applied: the next save writes a whole image and starts a new log.
        this.#broken = true;
        return { files, damaged: 1 };
      }
      files.push(decoded.body);
      bytes += decoded.body.byteLength;
      this.#changes = { files: seq, bytes };
    }
    return { files, damaged: 0 };
  }

  async #listChanges(): Promise<{ name: string; generation: number; seq: number }[]> {
    const found = [];
    for await (const [name] of this.dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      const m = changesPattern.exec(name);
      if (m) found.push({ name, generation: Number(m[1]), seq: Number(m[2]) });
    }
    return found;
  }

  async #deleteChanges(which: (generation: number) => boolean): Promise<void> {
    for (const { name, generation } of await this.#listChanges()) {
      if (!which(generation)) continue;
      await this.dir.removeEntry(name).catch((err: unknown) => {
        if ((err as Error).name !== 'NotFoundError') throw err;
      });
    }
  }

  async #read(name: string, end?: number): Promise<Uint8Array | null> {
    try {
      return await readFileBytes(await this.dir.getFileHandle(name), 0, end);
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return null;
      throw err;
    }
  }

  #write(name: string, data: Uint8Array): Promise<void> {
    return writeFileWhole(this.dir, name, data);
  }
}
