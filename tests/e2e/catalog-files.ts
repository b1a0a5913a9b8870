// The catalog's files in OPFS, as the app saves them (src/db/opfs-catalog.ts): two image slots, and after the
// newest image one file of changes per later save, `changes-<generation>-<n>.ffjr`.
import type { Page } from 'playwright-core';

export const slotNames = ['catalog-a.ffdb', 'catalog-b.ffdb'];

/** The file the newest save wrote: the last change file after the newest image, or that image if none follows it. */
export function newestSave(page: Page): Promise<string> {
  return page.evaluate(async (slots) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('catalog');
    let image = { name: '', generation: -1 };
    for (const name of slots) {
      const handle = await dir.getFileHandle(name).catch(() => null); // a slot is written on the second image
      if (!handle) continue;
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      const generation = bytes.byteLength >= 64 ? new DataView(bytes.buffer).getFloat64(8) : -1;
      if (generation > image.generation) image = { name, generation };
    }
    let newest = { name: image.name, seq: 0 };
    for await (const [name] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      const m = /^changes-(\d+)-(\d+)\.ffjr$/.exec(name);
      if (m && Number(m[1]) === image.generation && Number(m[2]) > newest.seq) newest = { name, seq: Number(m[2]) };
    }
    return newest.name;
  }, slotNames);
}

/** Overwrites a catalog file with its own first half (a torn write), or with `garbage` random bytes. */
export function damageCatalogFile(page: Page, name: string, garbage?: number): Promise<void> {
  return page.evaluate(
    async ({ name, garbage }) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('catalog', { create: true });
      const handle = await dir.getFileHandle(name, { create: true });
      const old = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      const data = garbage ? new Uint8Array(garbage) : old.slice(0, old.byteLength >> 1);
      for (let i = 0; garbage && i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
      const writable = await handle.createWritable();
      await writable.write(data);
      await writable.close();
    },
    { name, garbage },
  );
}
