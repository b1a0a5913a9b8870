import { openDB } from 'idb';

/** Directory handles survive reloads in IndexedDB (they are structured-cloneable); keyed by library id. */
const db = () =>
  openDB('framefinder', 1, {
    upgrade(d) {
      d.createObjectStore('handles');
    },
  });

export async function saveHandle(libraryId: number, handle: FileSystemDirectoryHandle): Promise<void> {
  await (await db()).put('handles', handle, libraryId);
}

export async function loadHandle(libraryId: number): Promise<FileSystemDirectoryHandle | undefined> {
  return (await (await db()).get('handles', libraryId)) as FileSystemDirectoryHandle | undefined;
}

export async function deleteHandle(libraryId: number): Promise<void> {
  await (await db()).delete('handles', libraryId);
}

type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?(d: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' }): Promise<PermissionState>;
};

/** Whether the page may read the folder now ('prompt' needs a click on "Reconnect folder"). */
export async function readPermission(handle: FileSystemDirectoryHandle, ask = false): Promise<PermissionState> {
  const h = handle as PermissionHandle;
  if (ask && h.requestPermission) return h.requestPermission({ mode: 'read' });
  if (h.queryPermission) return h.queryPermission({ mode: 'read' });
  return 'granted';
}

/** Collects the files of a drop: folders as handles where the browser offers them, else walked entries. */
export interface DroppedItems {
  /** Folders the browser gave as handles (Chromium): they can be reconnected after a reload. */
  handles: FileSystemDirectoryHandle[];
  /** Folders walked as entries (other browsers), with paths relative to the folder. */
  folders: { name: string; files: { path: string; file: File }[] }[];
  /** Files dropped on their own. */
  loose: { path: string; file: File }[];
}

export async function droppedItems(dt: DataTransfer): Promise<DroppedItems> {
  const items = [...dt.items].filter((i) => i.kind === 'file');
  // Every item must be asked for synchronously, during the drop event: the list is emptied afterwards.
  const asHandles = items.map((i) =>
    (i as DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> }).getAsFileSystemHandle?.(),
  );
  const asEntries = items.map((i) => i.webkitGetAsEntry?.() ?? null);
  const asFiles = items.map((i) => i.getAsFile());
  const out: DroppedItems = { handles: [], folders: [], loose: [] };
  for (let i = 0; i < items.length; i++) {
    const handle = await asHandles[i]?.catch(() => null);
    if (handle?.kind === 'directory') {
      out.handles.push(handle as FileSystemDirectoryHandle);
      continue;
    }
    const entry = asEntries[i];
    if (entry?.isDirectory) {
      out.folders.push({ name: entry.name, files: await walkEntry(entry as FileSystemDirectoryEntry, '') });
      continue;
    }
    const file = asFiles[i];
    if (file) out.loose.push({ path: file.name, file });
  }
  return out;
}

async function walkEntry(dir: FileSystemDirectoryEntry, prefix: string): Promise<{ path: string; file: File }[]> {
  const reader = dir.createReader();
  const out: { path: string; file: File }[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    for (const entry of batch) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory) out.push(...(await walkEntry(entry as FileSystemDirectoryEntry, path)));
      else
        out.push({
          path,
          file: await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)),
        });
    }
  }
}
