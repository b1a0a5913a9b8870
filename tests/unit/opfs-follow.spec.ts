import { describe, expect, it } from 'vitest';
import { OpfsCatalogStore } from '../../src/db/opfs-catalog';

// The OPFS catalog store asked for the change files after a point (issue 16), on an in-memory stand-in for an OPFS
// directory: files are swapped in whole on close, as createWritable does.

class MemoryDirectory {
  readonly files = new Map<string, Uint8Array>();

  async getFileHandle(name: string, opts: { create?: boolean } = {}) {
    if (!this.files.has(name)) {
      if (!opts.create) throw Object.assign(new Error(name), { name: 'NotFoundError' });
      this.files.set(name, new Uint8Array());
    }
    const files = this.files;
    return {
      getFile: async () => new Blob([(files.get(name) ?? new Uint8Array()) as Uint8Array<ArrayBuffer>]),
      createWritable: async () => {
        let pending = new Uint8Array();
        return {
          write: async (data: Uint8Array) => void (pending = data.slice()),
          close: async () => void files.set(name, pending),
          abort: async () => undefined,
        };
      },
    };
  }

  async removeEntry(name: string) {
    if (!this.files.delete(name)) throw Object.assign(new Error(name), { name: 'NotFoundError' });
  }

  async *[Symbol.asyncIterator]() {
    for (const name of [...this.files.keys()]) yield [name, {}];
  }
}

const bytes = (...values: number[]) => new Uint8Array(values);
const list = (files: Uint8Array[] | null) => (files ? files.map((f) => Array.from(f)) : files);

async function savedStore() {
  const dir = new MemoryDirectory();
  const store = new OpfsCatalogStore(dir as unknown as FileSystemDirectoryHandle);
  await store.load();
  await store.save(bytes(9, 9, 9));
  const { generation } = await store.load();
  return { dir, store, generation };
}

describe('the OPFS catalog store, asked for the changes after a point', () => {
  it('gives the change files after it and null once a whole image was written', async () => {
    const { store, generation } = await savedStore();
    expect(generation).toBe(1);
    await store.append(bytes(1));
    await store.append(bytes(2));
    expect(list(await store.changesAfter(generation, 0))).toEqual([[1], [2]]);
    await store.append(bytes(3));
    expect(list(await store.changesAfter(generation, 2))).toEqual([[3]]);
    expect(list(await store.changesAfter(generation, 3))).toEqual([]);
    await store.save(bytes(8));
    expect(await store.changesAfter(generation, 3)).toBeNull();
    expect(list(await store.changesAfter(generation + 1, 0))).toEqual([]);
  });

  it('says a missing or damaged change file needs a whole load, and stops before an empty last one', async () => {
    const { dir, store, generation } = await savedStore();
    for (const b of [1, 2, 3]) await store.append(bytes(b));
    dir.files.set('changes-1-4.ffjr', new Uint8Array()); // a write that failed after making the file
    expect(list(await store.changesAfter(generation, 1))).toEqual([[2], [3]]);

    dir.files.get('changes-1-3.ffjr')![64] ^= 1; // its one byte of changes, under a header that no longer matches
    expect(await store.changesAfter(generation, 1)).toBeNull();
    dir.files.delete('changes-1-2.ffjr');
    expect(await store.changesAfter(generation, 1)).toBeNull();
  });
});
