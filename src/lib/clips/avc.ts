// H.264 byte formats for the smart cut (issue 14). An MP4 or Matroska track holds one decoder configuration (avcC:
// the SPS and PPS), yet a smart cut joins two streams that each need their own: the encoder's head and the copied
// tail. Both use parameter set id 0, so each key frame carries its own SPS and PPS in band (the `avc3` way), and a
// decoder switches at the seam.

/** NAL units of an Annex B stream (start codes 00 00 01 or 00 00 00 01), as views into `data`. */
export function annexBUnits(data: Uint8Array): Uint8Array[] {
  const starts: { at: number; code: number }[] = [];
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      const four = i > 0 && data[i - 1] === 0;
      starts.push({ at: i + 3, code: four ? 4 : 3 });
      i += 2;
    }
  }
  return starts.map((s, n) => {
    const end = n + 1 < starts.length ? starts[n + 1].at - starts[n + 1].code : data.length;
    return data.subarray(s.at, end);
  });
}

/** NAL units written with a `size`-byte big-endian length before each, as avcC-format samples hold them. */
export function lengthPrefixed(units: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(units.reduce((n, u) => n + size + u.length, 0));
  let at = 0;
  for (const u of units) {
    for (let b = size - 1; b >= 0; b--) out[at++] = (u.length >>> (8 * b)) & 0xff;
    out.set(u, at);
    at += u.length;
  }
  return out;
}

/** What the avcC record of a track says: how long its samples' length fields are, and its SPS and PPS units. */
export interface AvcConfig {
  lengthSize: number;
  parameterSets: Uint8Array[];
}

/** Reads an AVCDecoderConfigurationRecord (ISO 14496-15 5.3.3.1); null when it is not one. */
export function readAvcConfig(record: Uint8Array): AvcConfig | null {
  if (record.length < 7 || record[0] !== 1) return null;
  const lengthSize = (record[4] & 0x03) + 1;
  const parameterSets: Uint8Array[] = [];
  let at = 5;
  for (const mask of [0x1f, 0xff]) {
    if (at >= record.length) return null;
    const count = record[at++] & mask;
    for (let i = 0; i < count; i++) {
      if (at + 2 > record.length) return null;
      const size = (record[at] << 8) | record[at + 1];
      at += 2;
      if (at + size > record.length) return null;
      parameterSets.push(record.subarray(at, at + size));
      at += size;
    }
  }
  return { lengthSize, parameterSets };
}

/** A copied key frame with the track's own SPS and PPS put in front, so it decodes after the encoder's ones. */
export function withParameterSets(sample: Uint8Array, config: AvcConfig): Uint8Array {
  const sets = lengthPrefixed(config.parameterSets, config.lengthSize);
  const out = new Uint8Array(sets.length + sample.length);
  out.set(sets);
  out.set(sample, sets.length);
  return out;
}
