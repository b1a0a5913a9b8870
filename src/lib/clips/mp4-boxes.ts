// ISO-BMFF (MP4/MOV) boxes, read and written byte by byte, for the fast stream copy of issue 14 (mp4-trim.ts).
// Only what a trim needs: walking boxes, the few header fields whose durations change, and a writer. Everything else
// in a box is copied as the source has it, so the clip keeps what this code does not understand.

/** A box found in `bytes`: where it starts, how long it is (header included) and how long its header is. */
export interface Box {
  type: string;
  start: number;
  size: number;
  header: number;
}

/** Why a file cannot take the fast path; the caller falls back to the packet-by-packet copy. */
export class Mp4RefusedError extends Error {
  override name = 'Mp4RefusedError';
}

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

export const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export const u64At = (d: DataView, at: number) => d.getUint32(at) * 2 ** 32 + d.getUint32(at + 4);

/**
 * The box header at `at`, given that the enclosing space ends at `end` (or the file's size for top-level boxes,
 * whose size 0 means "to the end"). `base` is where `bytes` starts in that space: a top-level header is read on its
 * own, 16 bytes at a time.
 */
export function boxAt(bytes: Uint8Array, at: number, end: number, base = 0): Box {
  if (at + 8 > bytes.byteLength) throw new Mp4RefusedError('A box header runs past the data.');
  const d = view(bytes);
  let size = d.getUint32(at);
  let header = 8;
  if (size === 1) {
    if (at + 16 > bytes.byteLength) throw new Mp4RefusedError('A box header runs past the data.');
    size = u64At(d, at + 8);
    header = 16;
  } else if (size === 0) size = end - (base + at);
  const type = fourcc(bytes, at + 4);
  if (size < header || base + at + size > end) throw new Mp4RefusedError(`The ${type} box runs past its parent.`);
  return { type, start: at, size, header };
}

/** The boxes inside `parent` (its payload from `skip` bytes on: full boxes such as stsd have fields first). */
export function childrenOf(bytes: Uint8Array, parent: Box, skip = 0): Box[] {
  const out: Box[] = [];
  const end = parent.start + parent.size;
  for (let at = parent.start + parent.header + skip; at + 8 <= end;) {
    const box = boxAt(bytes, at, end);
    out.push(box);
    at += box.size;
  }
  return out;
}

export const childOf = (bytes: Uint8Array, parent: Box, type: string) =>
  childrenOf(bytes, parent).find((b) => b.type === type);

/** The box `parent/…path` or undefined. */
export function find(bytes: Uint8Array, parent: Box, ...path: string[]): Box | undefined {
  let box: Box | undefined = parent;
  for (const type of path) box = box && childOf(bytes, box, type);
  return box;
}

/** A box's payload (after its header), sharing memory with `bytes`. */
export const payloadOf = (bytes: Uint8Array, box: Box) => bytes.subarray(box.start + box.header, box.start + box.size);

export const wholeOf = (bytes: Uint8Array, box: Box) => bytes.subarray(box.start, box.start + box.size);

/** Big-endian bytes, appended field by field. */
export class Writer {
  #bytes = new Uint8Array(256);
  #view = new DataView(this.#bytes.buffer);
  length = 0;

  #room(n: number) {
    if (this.length + n <= this.#bytes.byteLength) return;
    const grown = new Uint8Array(Math.max(this.#bytes.byteLength * 2, this.length + n));
    grown.set(this.#bytes);
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  u8(v: number) {
    this.#room(1);
    this.#view.setUint8(this.length++, v);
    return this;
  }
  u32(v: number) {
    this.#room(4);
    this.#view.setUint32(this.length, v);
    this.length += 4;
    return this;
  }
  i32(v: number) {
    this.#room(4);
    this.#view.setInt32(this.length, v);
    this.length += 4;
    return this;
  }
  u64(v: number) {
    this.#room(8);
    this.#view.setUint32(this.length, Math.floor(v / 2 ** 32));
    this.#view.setUint32(this.length + 4, v >>> 0);
    this.length += 8;
    return this;
  }
  i64(v: number) {
    return v < 0 ? this.u32(0xffffffff).u32((2 ** 32 + v) >>> 0) : this.u64(v);
  }
  bytes(b: Uint8Array) {
    this.#room(b.byteLength);
    this.#bytes.set(b, this.length);
    this.length += b.byteLength;
    return this;
  }
  done(): Uint8Array {
    return this.#bytes.slice(0, this.length);
  }
}

/** A box of `type` around `parts`; a 64-bit size only when it needs one. */
export function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.byteLength, 8);
  const w = new Writer();
  if (size > 0xffffffff) w.u32(1);
  else w.u32(size);
  for (let i = 0; i < 4; i++) w.u8(type.charCodeAt(i));
  if (size > 0xffffffff) w.u64(size + 8);
  for (const p of parts) w.bytes(p);
  return w.done();
}

/** A full box: version and flags before the fields. */
export const fullBox = (type: string, version: number, flags: number, fields: Uint8Array) =>
  box(type, new Writer().u32(((version & 0xff) << 24) | (flags & 0xffffff)).done(), fields);

/** The header of an mdat holding `payload` bytes (16 bytes with a 64-bit size once it does not fit in 32 bits). */
export function mdatHeader(payload: number): Uint8Array {
  if (payload + 8 <= 0xffffffff)
    return new Writer()
      .u32(payload + 8)
      .u32(0x6d646174)
      .done();
  return new Writer()
    .u32(1)
    .u32(0x6d646174)
    .u64(payload + 16)
    .done();
}

/**
 * Where the duration field sits in a copy of mvhd, tkhd or mdhd (offset from the box's start, and whether it is
 * 64-bit), from the box's version.
 */
function durationField(bytes: Uint8Array, b: Box): { at: number; wide: boolean } {
  const wide = bytes[b.start + b.header] === 1;
  // mvhd/mdhd: version and flags, two times, the timescale, then the duration; tkhd: two times, the track ID and a
  // reserved word, then the duration. Version 1 has 64-bit times and duration.
  return { at: b.start + b.header + 4 + (wide ? 16 : 8) + (b.type === 'tkhd' ? 8 : 4), wide };
}

/** `mvhd`, `tkhd` or `mdhd` copied with `duration` put in. */
export function withDuration(bytes: Uint8Array, b: Box, duration: number): Uint8Array {
  const copy = wholeOf(bytes, b).slice();
  const { at, wide } = durationField(bytes, b);
  const d = view(copy);
  const local = at - b.start;
  if (local + (wide ? 8 : 4) > copy.byteLength) throw new Mp4RefusedError(`The ${b.type} box is too short.`);
  if (wide) {
    d.setUint32(local, Math.floor(duration / 2 ** 32));
    d.setUint32(local + 4, duration >>> 0);
  } else d.setUint32(local, Math.min(duration, 0xffffffff));
  return copy;
}

/** The timescale of mvhd or mdhd (the field just before the duration). */
export function timescaleOf(bytes: Uint8Array, b: Box): number {
  const { at } = durationField(bytes, b);
  if (at + 4 > b.start + b.size) throw new Mp4RefusedError(`The ${b.type} box is too short.`);
  const scale = view(bytes).getUint32(at - 4);
  if (!scale) throw new Mp4RefusedError(`The ${b.type} box has no timescale.`);
  return scale;
}

/** A full box's flags (24 bits after the version). */
export const flagsOf = (bytes: Uint8Array, b: Box) => view(bytes).getUint32(b.start + b.header) & 0xffffff;

/** The ftyp and moov of a file, found by reading each top-level box's header only (`read` gives bytes of the file). */
export async function readHead(
  size: number,
  read: (at: number, length: number) => Promise<Uint8Array>,
): Promise<{ ftyp: Uint8Array | null; moov: Uint8Array }> {
  let ftyp: Uint8Array | null = null;
  let moov: Uint8Array | null = null;
  // A plain MP4 has a handful of top-level boxes; thousands mean fragments, which the fast copy does not cut.
  for (let at = 0, seen = 0; at + 8 <= size; seen++) {
    if (seen > 1000) throw new Mp4RefusedError('The file has too many top-level boxes.');
    const header = await read(at, Math.min(16, size - at));
    const b = boxAt(header, 0, size, at);
    // Not ISO-BMFF at all (an MPEG-TS file called .mp4, say): its first bytes are no box name.
    if (!/^[\w ©-]{4}$/.test(b.type)) throw new Mp4RefusedError('The file is not MP4 or MOV.');
    if (b.type === 'moof' || b.type === 'mfra') throw new Mp4RefusedError('The file is fragmented.');
    if (b.type === 'ftyp' && !ftyp) {
      if (b.size > 4096) throw new Mp4RefusedError('The file type box is too large.');
      ftyp = await read(at, b.size);
    }
    if (b.type === 'moov') {
      if (moov) throw new Mp4RefusedError('The file has two movie boxes.');
      if (b.size > 512 * 2 ** 20) throw new Mp4RefusedError('The movie box is too large.');
      moov = (await read(at, b.size)).slice(b.header - 8);
      // A 64-bit size header shortened to the usual 8 bytes, so the moov reads from offset 0 with an 8-byte header.
      if (b.header === 16) {
        new DataView(moov.buffer).setUint32(0, b.size - 8);
        moov.set([0x6d, 0x6f, 0x6f, 0x76], 4);
      }
    }
    at += b.size;
  }
  if (!moov) throw new Mp4RefusedError('The file has no movie box.');
  return { ftyp, moov };
}
