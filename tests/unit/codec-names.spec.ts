import { describe, expect, it } from 'vitest';
import { codecName, containerName } from '../../src/lib/media/codec-names';

describe('codec names as ffprobe spells them', () => {
  it('renames the mediabunny codecs that differ and keeps the ones that agree', () => {
    expect(codecName('avc')).toBe('h264');
    for (const same of ['hevc', 'vp8', 'vp9', 'av1', 'prores', 'aac', 'opus', 'mp3', 'vorbis', 'flac', 'ac3', 'eac3'])
      expect(codecName(same), same).toBe(same);
    expect(codecName('pcm-s16')).toBe('pcm_s16le');
    expect(codecName('pcm-f32be')).toBe('pcm_f32be');
    expect(codecName('ulaw')).toBe('pcm_mulaw');
  });

  it('prefers what mediabunny decoded over the container id', () => {
    expect(codecName('avc', 'mp4v')).toBe('h264');
  });

  it('names codecs mediabunny does not know from the MP4 sample entry', () => {
    expect(codecName(null, 'mp4v')).toBe('mpeg4');
    expect(codecName(null, 'hev1')).toBe('hevc');
    expect(codecName(null, 'apcn')).toBe('prores');
    expect(codecName(null, 'AVdn')).toBe('dnxhd'); // fourccs are case-sensitive in files, not here
    expect(codecName(null, 'raw ')).toBe('rawvideo');
    expect(codecName(null, 'samr')).toBe('amr_nb');
  });

  it('names codecs from the Matroska CodecID, longest prefix first', () => {
    expect(codecName(null, 'V_MPEG4/ISO/AVC')).toBe('h264');
    expect(codecName(null, 'V_MPEG4/ISO/ASP')).toBe('mpeg4');
    expect(codecName(null, 'V_MPEGH/ISO/HEVC')).toBe('hevc');
    expect(codecName(null, 'V_THEORA')).toBe('theora');
    expect(codecName(null, 'V_MPEG2')).toBe('mpeg2video');
    expect(codecName(null, 'A_AAC/MPEG4/LC/SBR')).toBe('aac');
    expect(codecName(null, 'A_EAC3')).toBe('eac3');
    expect(codecName(null, 'A_AC3')).toBe('ac3');
    expect(codecName(null, 'A_MPEG/L2')).toBe('mp2');
  });

  it('names codecs from the MPEG-TS stream type', () => {
    expect(codecName(null, 0x02)).toBe('mpeg2video');
    expect(codecName(null, 0x1b)).toBe('h264');
    expect(codecName(null, 0x81)).toBe('ac3');
  });

  it('says null rather than guessing', () => {
    expect(codecName(null)).toBeNull();
    expect(codecName(null, null)).toBeNull();
    expect(codecName(null, 'V_MPEGI/ISO/VVC')).toBeNull();
    expect(codecName(null, 'zzzz')).toBeNull();
    expect(codecName(null, 0x06)).toBeNull(); // private data: could be anything
    expect(codecName(null, new Uint8Array([1, 2]))).toBeNull();
    expect(codecName(null, '')).toBeNull();
  });
});

describe('container names', () => {
  it('maps mediabunny format names to ffprobe short names', () => {
    expect(containerName('MP4')).toBe('mp4');
    expect(containerName('QuickTime File Format')).toBe('mov');
    expect(containerName('WebM')).toBe('webm');
    expect(containerName('Matroska')).toBe('matroska');
    expect(containerName('MPEG Transport Stream')).toBe('mpegts');
    expect(containerName('Ogg')).toBe('ogg');
    expect(containerName('WAVE')).toBe('wav');
    expect(containerName('ADTS')).toBe('aac');
  });

  it('passes unknown names through in lower case and keeps null', () => {
    expect(containerName('Something New')).toBe('something new');
    expect(containerName(null)).toBeNull();
    expect(containerName('')).toBeNull();
  });
});
