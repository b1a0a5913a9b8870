import { describe, expect, it } from 'vitest';
import { annexBUnits, lengthPrefixed, readAvcConfig, withParameterSets } from '../../src/lib/clips/avc';
import { copyInstead, cutNote, encodedPart, planCut } from '../../src/lib/clips/smart-cut';

describe('planning a smart cut', () => {
  const keyframes = [0, 2, 4, 6];

  it('copies a range that starts on a key frame (or within rounding of one): nothing to re-encode', () => {
    expect(planCut({ start: 2, end: 5 }, keyframes)).toEqual({ kind: 'copy', range: { start: 2, end: 5 } });
    expect(planCut({ start: 2.004, end: 5 }, keyframes)).toEqual({ kind: 'copy', range: { start: 2, end: 5 } });
  });

  it('re-encodes from the in point up to the next key frame and copies from there', () => {
    const plan = planCut({ start: 0.84, end: 3.6 }, keyframes);
    expect(plan).toEqual({ kind: 'smart', range: { start: 0.84, end: 3.6 }, keyframe: 2 });
    expect(encodedPart(plan)).toEqual({ start: 0.84, end: 2 });
    expect(cutNote(plan)).toBe('Re-encoded 1.2 s up to the first key frame (0:02.0); the rest copied as it is.');
  });

  it('takes the key frame after the in point whatever order the times come in', () => {
    expect(planCut({ start: 4.5, end: 10 }, [6, 0, 4, 2, 8])).toMatchObject({ kind: 'smart', keyframe: 6 });
  });

  it('re-encodes the whole range when no key frame comes before the out point', () => {
    const plan = planCut({ start: 2.5, end: 3.9 }, keyframes);
    expect(plan).toEqual({ kind: 'encode', range: { start: 2.5, end: 3.9 } });
    expect(encodedPart(plan)).toEqual({ start: 2.5, end: 3.9 });
    expect(cutNote(plan)).toMatch(/^Re-encoded all 1\.4 s: no key frame comes between your in and out points/);
    // A key frame less than a frame before the out point leaves nothing worth copying.
    expect(planCut({ start: 2.5, end: 4.01 }, keyframes).kind).toBe('encode');
    // After the last key frame, too.
    expect(planCut({ start: 6.5, end: 9 }, keyframes).kind).toBe('encode');
  });

  it('returns a range of its own, never the one it was given (a job range is state that cannot cross to a worker)', () => {
    const asked = { start: 0.84, end: 3.6 };
    expect(planCut(asked, keyframes).range).not.toBe(asked);
  });

  it('falls back to the copy from the key frame before, saying why the start moved and what an exact one needs', () => {
    const plan = copyInstead({ start: 0.84, end: 3.6 }, keyframes, 'this browser has no H.265 encoder.');
    expect(plan.range).toEqual({ start: 0, end: 3.6 });
    expect(plan.note).toMatch(/starts at 0:00\.0, the key frame before your in point \(0:00\.8\)/);
    expect(plan.note).toMatch(/An exact start needs re-encoding, and this browser has no H\.265 encoder\.$/);
    expect(copyInstead({ start: 2, end: 3 }, keyframes, 'x').note).toBeNull();
  });
});

describe('H.264 parameter sets at the seam', () => {
  const sps = Uint8Array.of(0x67, 0x64, 0x00, 0x1f, 0xac);
  const pps = Uint8Array.of(0x68, 0xeb, 0xe3);
  const slice = Uint8Array.of(0x65, 0x88, 0x84, 0x00, 0x00, 0x03, 0x01);
  // AVCDecoderConfigurationRecord: version 1, High@3.1, 4-byte lengths, one SPS, one PPS.
  const avcC = Uint8Array.of(1, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0, sps.length, ...sps, 1, 0, pps.length, ...pps);

  it('splits an Annex B access unit on 3- and 4-byte start codes, keeping emulation-prevented zeros', () => {
    const stream = Uint8Array.of(0, 0, 0, 1, ...sps, 0, 0, 1, ...pps, 0, 0, 0, 1, ...slice);
    expect(annexBUnits(stream).map((u) => [...u])).toEqual([[...sps], [...pps], [...slice]]);
  });

  it('writes units with big-endian length fields of the track’s size', () => {
    expect([...lengthPrefixed([pps], 4)]).toEqual([0, 0, 0, 3, ...pps]);
    expect([...lengthPrefixed([pps, sps], 2)]).toEqual([0, 3, ...pps, 0, 5, ...sps]);
  });

  it('reads the length size and the SPS and PPS of an avcC record, and refuses what is not one', () => {
    const config = readAvcConfig(avcC)!;
    expect(config.lengthSize).toBe(4);
    expect(config.parameterSets.map((u) => [...u])).toEqual([[...sps], [...pps]]);
    expect(readAvcConfig(Uint8Array.of(0, 0, 0, 1, 0x67))).toBeNull();
    expect(readAvcConfig(avcC.subarray(0, 10))).toBeNull();
  });

  it('puts the track’s own SPS and PPS before a copied key frame', () => {
    const sample = lengthPrefixed([slice], 4);
    expect([...withParameterSets(sample, readAvcConfig(avcC)!)]).toEqual([...lengthPrefixed([sps, pps], 4), ...sample]);
  });
});
