import { describe, expect, it } from 'vitest';
import { extractSubtitleArgs, subtitlePlan, subtitleStreams, trackLabel } from '../../src/lib/media/subtitle-streams';

const probe = JSON.stringify({
  streams: [
    { index: 0, codec_type: 'video', codec_name: 'h264' },
    { index: 2, codec_type: 'subtitle', codec_name: 'subrip', tags: { language: 'eng', title: 'SDH' } },
    { index: 3, codec_type: 'subtitle', codec_name: 'ass', tags: { LANGUAGE: 'und' } },
    { index: 4, codec_type: 'subtitle', codec_name: 'hdmv_pgs_subtitle', tags: { language: 'eng' } },
    { index: 5, codec_type: 'subtitle', codec_name: 'mov_text' },
  ],
});

describe('subtitle tracks inside a video', () => {
  it('lists subtitle streams with their language (und is none) and title', () => {
    expect(subtitleStreams(probe)).toEqual([
      { index: 2, codec: 'subrip', language: 'eng', title: 'SDH' },
      { index: 3, codec: 'ass', language: null, title: null },
      { index: 4, codec: 'hdmv_pgs_subtitle', language: 'eng', title: null },
      { index: 5, codec: 'mov_text', language: null, title: null },
    ]);
    expect(subtitleStreams('not json')).toEqual([]);
  });

  it('reads text tracks as SRT and skips image ones with a note', () => {
    const [srt, ass, pgs, mov] = subtitleStreams(probe);
    expect(subtitlePlan(srt)).toEqual({ format: 'srt', skipped: null });
    expect(subtitlePlan(ass)).toEqual({ format: 'srt', skipped: null });
    expect(subtitlePlan(mov)).toEqual({ format: 'srt', skipped: null });
    expect(subtitlePlan(pgs).format).toBeNull();
    expect(subtitlePlan(pgs).skipped).toMatch(/PGS subtitles are pictures of text/);
    expect(trackLabel(srt)).toBe('Track 2 · SDH (eng)');
  });

  it('extracts every readable track in one run', () => {
    expect(
      extractSubtitleArgs('/in.mkv', [
        { index: 2, path: '/t2.srt' },
        { index: 3, path: '/t3.ass' },
      ]),
    ).toEqual([
      '-hide_banner',
      '-nostdin',
      '-i',
      '/in.mkv',
      '-map',
      '0:2',
      '-c:s',
      'srt',
      '-f',
      'srt',
      '/t2.srt',
      '-map',
      '0:3',
      '-c:s',
      'ass',
      '-f',
      'ass',
      '/t3.ass',
    ]);
  });
});
