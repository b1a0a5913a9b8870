// A track's sample tables (the stbl of an MP4/MOV track), spelled out sample by sample, and written back for a run
// of them: the fast stream copy (mp4-trim.ts) keeps some samples where they are in the source file and describes
// only those. The tables are run-length coded in the file; one entry per sample here keeps the cut simple, and a
// track of an hour at 60 fps is 216,000 entries: a few megabytes.
import { Mp4RefusedError, Writer, box, childrenOf, fullBox, payloadOf, view, u64At, type Box } from './mp4-boxes';

export interface Samples {
  count: number;
  /** Decode time of each sample, in the track's timescale. */
  decodeTimes: Float64Array;
  durations: Uint32Array;
  /** Presentation minus decode time (ctts), or null when every sample is shown when it is decoded. */
  compositionOffsets: Int32Array | null;
  cttsVersion: number;
  /** 1 for a key frame (stss), or null when the track has no stss: every sample is one. */
  sync: Uint8Array | null;
  sizes: Uint32Array;
  /** Where each sample's bytes start in the file. */
  offsets: Float64Array;
  /** Which sample description (stsd entry, from 1) each sample uses. */
  descriptions: Uint32Array;
}

const refuse = (why: string): never => {
  throw new Mp4RefusedError(why);
};

/** Reads the sample tables of `stbl` (a box of `bytes`). Boxes other than these are not needed to cut. */
export function readSamples(bytes: Uint8Array, stbl: Box): Samples {
  const boxes = new Map(childrenOf(bytes, stbl).map((b) => [b.type, b]));
  const table = (type: string) => {
    const b = boxes.get(type);
    if (!b) return null;
    const p = payloadOf(bytes, b);
    if (p.byteLength < 8) refuse(`The ${type} table is too short.`);
    return { d: view(p), size: p.byteLength, version: p[0] };
  };
  const entries = (t: { d: DataView; size: number }, at: number, width: number) => {
    const n = t.d.getUint32(at);
    if (at + 4 + n * width > t.size) refuse('A sample table runs past its box.');
    return n;
  };

  // Sizes: stsz (one 32-bit size each, or one for all) or stz2 (4, 8 or 16 bits each).
  let sizes: Uint32Array;
  const stsz = table('stsz');
  const stz2 = table('stz2');
  if (stsz) {
    const constant = stsz.d.getUint32(4);
    const count = stsz.d.getUint32(8);
    if (constant) sizes = new Uint32Array(count).fill(constant);
    else {
      entries(stsz, 8, 4);
      sizes = new Uint32Array(count);
      for (let i = 0; i < count; i++) sizes[i] = stsz.d.getUint32(12 + 4 * i);
    }
  } else if (stz2) {
    const field = stz2.d.getUint8(7);
    const count = stz2.d.getUint32(8);
    if (![4, 8, 16].includes(field) || 12 + Math.ceil((count * field) / 8) > stz2.size)
      refuse('The stz2 table is not one this copy reads.');
    sizes = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      if (field === 16) sizes[i] = stz2.d.getUint16(12 + 2 * i);
      else if (field === 8) sizes[i] = stz2.d.getUint8(12 + i);
      else sizes[i] = (stz2.d.getUint8(12 + (i >> 1)) >> (i & 1 ? 0 : 4)) & 0xf;
    }
  } else return refuse('The track has no sample sizes.');
  const count = sizes.length;

  const stts = table('stts') ?? refuse('The track has no sample times.');
  const decodeTimes = new Float64Array(count);
  const durations = new Uint32Array(count);
  let i = 0;
  let time = 0;
  for (let e = 0, n = entries(stts, 4, 8); e < n && i < count; e++) {
    const run = stts.d.getUint32(8 + 8 * e);
    const delta = stts.d.getUint32(12 + 8 * e);
    for (let k = 0; k < run && i < count; k++, i++) {
      decodeTimes[i] = time;
      durations[i] = delta;
      time += delta;
    }
  }
  if (i < count) refuse('The sample times do not cover every sample.');

  const ctts = table('ctts');
  let compositionOffsets: Int32Array | null = null;
  if (ctts) {
    compositionOffsets = new Int32Array(count);
    i = 0;
    for (let e = 0, n = entries(ctts, 4, 8); e < n && i < count; e++) {
      const run = ctts.d.getUint32(8 + 8 * e);
      // Version 0 says unsigned, but writers put negative offsets there too; read both as signed, as players do.
      const offset = ctts.d.getInt32(12 + 8 * e);
      for (let k = 0; k < run && i < count; k++) compositionOffsets[i++] = offset;
    }
    if (i < count) refuse('The composition offsets do not cover every sample.');
  }

  const stss = table('stss');
  let sync: Uint8Array | null = null;
  if (stss) {
    sync = new Uint8Array(count);
    for (let e = 0, n = entries(stss, 4, 4); e < n; e++) {
      const number = stss.d.getUint32(8 + 4 * e);
      if (number >= 1 && number <= count) sync[number - 1] = 1;
    }
  }

  // Offsets: chunks (stco/co64) hold runs of samples back to back; stsc says how many, and with which description.
  const stco = table('stco');
  const co64 = table('co64');
  const chunkTable = stco ?? co64 ?? refuse('The track has no chunk offsets.');
  const chunks = entries(chunkTable, 4, co64 && !stco ? 8 : 4);
  const chunkOffset = (c: number) => (stco ? stco.d.getUint32(8 + 4 * c) : u64At(co64!.d, 8 + 8 * c));
  const stsc = table('stsc') ?? refuse('The track has no sample-to-chunk table.');
  const runs = entries(stsc, 4, 12);
  const offsets = new Float64Array(count);
  const descriptions = new Uint32Array(count);
  i = 0;
  for (let e = 0; e < runs && i < count; e++) {
    const first = stsc.d.getUint32(8 + 12 * e) - 1;
    const perChunk = stsc.d.getUint32(12 + 12 * e);
    const description = stsc.d.getUint32(16 + 12 * e);
    const last = e + 1 < runs ? stsc.d.getUint32(8 + 12 * (e + 1)) - 1 : chunks;
    if (first < 0 || last > chunks || last < first) refuse('The sample-to-chunk table is out of order.');
    for (let c = first; c < last && i < count; c++) {
      let at = chunkOffset(c);
      for (let k = 0; k < perChunk && i < count; k++, i++) {
        offsets[i] = at;
        descriptions[i] = description;
        at += sizes[i];
      }
    }
  }
  if (i < count) refuse('The chunks do not hold every sample.');

  return {
    count,
    decodeTimes,
    durations,
    compositionOffsets,
    cttsVersion: ctts?.version ?? 0,
    sync,
    sizes,
    offsets,
    descriptions,
  };
}

/** Presentation time of sample `i` in the track's timescale. */
export const presentationTicks = (s: Samples, i: number) => s.decodeTimes[i] + (s.compositionOffsets?.[i] ?? 0);

/** Run-length pairs of `values[from..to]` (inclusive) as (count, value) entries. */
function runs(values: ArrayLike<number>, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = from; i <= to; i++) {
    const last = out[out.length - 1];
    if (last && last[1] === values[i]) last[0]++;
    else out.push([1, values[i]]);
  }
  return out;
}

/**
 * The sample tables (stts, ctts, stss, stsz, stsc, stco or co64) describing samples `from..to` (inclusive) of `s`,
 * their bytes now `shift` further on in the file. Samples that follow each other in the file form one chunk.
 */
export function writeSampleTables(s: Samples, from: number, to: number, shift: number, wide: boolean): Uint8Array[] {
  const n = to - from + 1;
  const out: Uint8Array[] = [];

  const stts = new Writer();
  const timeRuns = runs(s.durations, from, to);
  stts.u32(timeRuns.length);
  for (const [run, delta] of timeRuns) stts.u32(run).u32(delta);
  out.push(fullBox('stts', 0, 0, stts.done()));

  if (s.compositionOffsets) {
    const ctts = new Writer();
    const offsetRuns = runs(s.compositionOffsets, from, to);
    ctts.u32(offsetRuns.length);
    for (const [run, offset] of offsetRuns) ctts.u32(run).i32(offset);
    out.push(fullBox('ctts', s.cttsVersion, 0, ctts.done()));
  }

  if (s.sync) {
    const keys: number[] = [];
    for (let i = from; i <= to; i++) if (s.sync[i]) keys.push(i - from + 1);
    const stss = new Writer().u32(keys.length);
    for (const k of keys) stss.u32(k);
    out.push(fullBox('stss', 0, 0, stss.done()));
  }

  const stsz = new Writer();
  const same = s.sizes.subarray(from, to + 1).every((v) => v === s.sizes[from]);
  if (same) stsz.u32(s.sizes[from]).u32(n);
  else {
    stsz.u32(0).u32(n);
    for (let i = from; i <= to; i++) stsz.u32(s.sizes[i]);
  }
  out.push(fullBox('stsz', 0, 0, stsz.done()));

  const chunkOffsets: number[] = [];
  const chunkRuns: { first: number; perChunk: number; description: number }[] = [];
  let inChunk = 0;
  const closeChunk = (description: number) => {
    const last = chunkRuns[chunkRuns.length - 1];
    if (!last || last.perChunk !== inChunk || last.description !== description)
      chunkRuns.push({ first: chunkOffsets.length, perChunk: inChunk, description });
  };
  for (let i = from; i <= to; i++) {
    const follows = i > from && s.offsets[i] === s.offsets[i - 1] + s.sizes[i - 1];
    if (!follows || s.descriptions[i] !== s.descriptions[i - 1]) {
      if (i > from) closeChunk(s.descriptions[i - 1]);
      chunkOffsets.push(s.offsets[i] + shift);
      inChunk = 0;
    }
    inChunk++;
  }
  closeChunk(s.descriptions[to]);
  const stsc = new Writer().u32(chunkRuns.length);
  for (const r of chunkRuns) stsc.u32(r.first).u32(r.perChunk).u32(r.description);
  out.push(fullBox('stsc', 0, 0, stsc.done()));

  const stco = new Writer().u32(chunkOffsets.length);
  for (const o of chunkOffsets) {
    if (wide) stco.u64(o);
    else stco.u32(o);
  }
  out.push(fullBox(wide ? 'co64' : 'stco', 0, 0, stco.done()));
  return out;
}

/** An stbl of `stsd` (as the source has it) and `tables`. */
export const sampleTableBox = (stsd: Uint8Array, tables: Uint8Array[]) => box('stbl', stsd, ...tables);
