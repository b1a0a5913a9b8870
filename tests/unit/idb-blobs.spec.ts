import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbBlobs, readIdbBlob } from '../../src/db/idb-blobs';

// The blob store where a browser gives no OPFS (a private window): posters and search data must be kept as there.
describe('the IndexedDB blob store', () => {
  it('appends, slices, replaces, lists and deletes, and keeps what it holds for a new opening', async () => {
    const blobs = await IdbBlobs.open('test-blobs');
    expect(await blobs.append('frames-1-0', new Uint8Array([1, 2, 3]))).toBe(0);
    expect(await blobs.append('frames-1-0', new Uint8Array([4, 5]))).toBe(3);
    await blobs.put('poster-7', new Uint8Array([9, 9]));
    expect(Array.from((await blobs.read('frames-1-0', 2, 4))!)).toEqual([3, 4]);

    const again = await IdbBlobs.open('test-blobs');
    expect(await again.list()).toEqual([
      { key: 'frames-1-0', size: 5 },
      { key: 'poster-7', size: 2 },
    ]);
    expect(await again.list('poster-')).toEqual([{ key: 'poster-7', size: 2 }]);
    expect(Array.from((await readIdbBlob('test-blobs', 'poster-7'))!)).toEqual([9, 9]);
    await again.put('poster-7', new Uint8Array([1]));
    await again.delete('frames-1-0');
    await again.delete('frames-1-0'); // deleting twice is fine
    expect(await again.list()).toEqual([{ key: 'poster-7', size: 1 }]);
    expect(await again.read('frames-1-0')).toBeNull();
  });
});
