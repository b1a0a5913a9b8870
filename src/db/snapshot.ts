/**
 * A catalog snapshot on disk: a 64-byte header (magic, generation, length, SHA-256 of the body) and the
 * sql.js database image. Two slots are written in turn, so a tab killed mid-save leaves the other slot,
 * the previous catalog, intact; the header tells a complete slot from a torn one.
 */
const catalogMagic = new TextEncoder().encode('FFCAT001');
/** The same header on a file of logged changes (see change-log.ts); its "generation" is its place in the log. */
export const changesMagic = new TextEncoder().encode('FFJRN001');
export const headerSize = 64;

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export async function encodeSnapshot(body: Uint8Array, generation: number, magic = catalogMagic): Promise<Uint8Array> {
  const out = new Uint8Array(headerSize + body.byteLength);
  const view = new DataView(out.buffer);
  out.set(magic, 0);
  view.setFloat64(8, generation);
  view.setFloat64(16, body.byteLength);
  out.set(await sha256(body), 24);
  out.set(body, headerSize);
  return out;
}

/** The snapshot in `data`, or null when it is empty, torn or not a snapshot at all. */
export async function decodeSnapshot(
  data: Uint8Array,
  magic = catalogMagic,
): Promise<{ generation: number; body: Uint8Array } | null> {
  if (data.byteLength < headerSize) return null;
  if (!magic.every((b, i) => data[i] === b)) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const generation = view.getFloat64(8);
  const length = view.getFloat64(16);
  if (length !== data.byteLength - headerSize) return null;
  const body = data.subarray(headerSize);
  const expected = data.subarray(24, 56);
  const actual = await sha256(body);
  if (!actual.every((b, i) => b === expected[i])) return null;
  return { generation, body };
}

/**
 * The generation a snapshot's header names, from its first `headerSize` bytes alone (body neither read nor checked);
 * null when they are no catalog snapshot's. Enough to tell that a newer image was written.
 */
export function headerGeneration(header: Uint8Array): number | null {
  if (header.byteLength < headerSize || !catalogMagic.every((b, i) => header[i] === b)) return null;
  return new DataView(header.buffer, header.byteOffset, header.byteLength).getFloat64(8);
}

/** The newest intact snapshot among the slots, if any, and how many slots hold a damaged one. */
export async function newestSnapshot(
  slots: (Uint8Array | null)[],
): Promise<{ newest: { generation: number; body: Uint8Array; slot: number } | null; damaged: number }> {
  let newest: { generation: number; body: Uint8Array; slot: number } | null = null;
  let damaged = 0;
  for (const [slot, data] of slots.entries()) {
    const snap = data ? await decodeSnapshot(data) : null;
    if (data && data.byteLength > 0 && !snap) damaged += 1;
    if (snap && (!newest || snap.generation > newest.generation)) newest = { ...snap, slot };
  }
  return { newest, damaged };
}
