import { describe, expect, it } from 'vitest';
import {
  containerName,
  findDamage,
  findDecoderProblem,
  isWasmCrash,
  lastErrorLine,
  normaliseRotation,
  parseKeyPackets,
  parseProbeJson,
  parseRate,
  parseShowinfo,
} from '../../src/lib/media/ffprobe-parse';
import { BadMediaError } from '../../src/lib/media/types';

// `ffprobe -v error -print_format json -show_format -show_streams` (Debian's ffprobe 5.1, the FFmpeg version inside
// ffmpeg.wasm 0.12) on tests/fixtures/media and on files made in /tmp; fields the parser ignores were dropped.
const probe = {
  rotated: String.raw`{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 320, "height": 180, "sample_aspect_ratio": "1:1", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "start_time": "0.000000", "duration": "3.000000", "bit_rate": "31242", "disposition": {"attached_pic": 0}, "tags": {"handler_name": "VideoHandler"}, "side_data_list": [{"side_data_type": "Display Matrix", "displaymatrix": "\n00000000:            0       65536           0\n00000001:       -65536           0           0\n00000002:            0           0  1073741824\n", "rotation": -90}]}], "format": {"filename": "rotated.mp4", "nb_streams": 1, "format_name": "mov,mp4,m4a,3gp,3g2,mj2", "start_time": "0.000000", "duration": "3.000000", "size": "13462", "bit_rate": "35898", "tags": {"major_brand": "isom"}}}`,
  webm: String.raw`{"streams": [{"index": 0, "codec_name": "vp9", "codec_type": "video", "width": 320, "height": 180, "sample_aspect_ratio": "1:1", "pix_fmt": "yuv420p", "r_frame_rate": "24/1", "avg_frame_rate": "24/1", "start_time": "0.007000", "disposition": {"attached_pic": 0}, "tags": {"ENCODER": "Lavc libvpx-vp9", "DURATION": "00:00:03.007000000"}}, {"index": 1, "codec_name": "opus", "codec_type": "audio", "sample_rate": "48000", "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "-0.007000", "disposition": {"attached_pic": 0}, "tags": {"ENCODER": "Lavc libopus", "DURATION": "00:00:03.008000000"}}], "format": {"filename": "vp9.webm", "nb_streams": 2, "format_name": "matroska,webm", "start_time": "-0.007000", "duration": "3.008000", "size": "21885", "bit_rate": "58204", "tags": {"encoder": "Lavf"}}}`,
  avi: String.raw`{"streams": [{"index": 0, "codec_name": "mpeg4", "codec_type": "video", "width": 320, "height": 180, "sample_aspect_ratio": "1:1", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "start_time": "0.000000", "duration": "3.040000", "disposition": {"attached_pic": 0}}, {"index": 1, "codec_name": "mp3", "codec_type": "audio", "sample_rate": "44100", "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "0.000000", "duration": "3.030204", "bit_rate": "64000", "disposition": {"attached_pic": 0}}], "format": {"filename": "mpeg4.avi", "nb_streams": 2, "format_name": "avi", "start_time": "0.000000", "duration": "3.040000", "size": "64342", "bit_rate": "169321"}}`,
  prores: String.raw`{"streams": [{"index": 0, "codec_name": "prores", "codec_type": "video", "width": 160, "height": 90, "sample_aspect_ratio": "1:1", "pix_fmt": "yuv422p10le", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "start_time": "0.000000", "duration": "2.000000", "bit_rate": "296588", "disposition": {"attached_pic": 0}, "tags": {"handler_name": "VideoHandler", "encoder": "Lavc prores_ks"}}, {"index": 1, "codec_name": "pcm_s16le", "codec_type": "audio", "sample_rate": "16000", "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "0.000000", "duration": "2.000000", "bit_rate": "256000", "disposition": {"attached_pic": 0}, "tags": {"handler_name": "SoundHandler"}}], "format": {"filename": "prores.mov", "nb_streams": 2, "format_name": "mov,mp4,m4a,3gp,3g2,mj2", "start_time": "0.000000", "duration": "2.000000", "size": "140105", "bit_rate": "560420", "tags": {"major_brand": "qt  "}}}`,
  h264: String.raw`{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 320, "height": 180, "sample_aspect_ratio": "1:1", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "start_time": "0.000000", "duration": "4.000000", "bit_rate": "151100", "disposition": {"attached_pic": 0}, "tags": {"creation_time": "2021-06-05T10:20:30.000000Z", "handler_name": "VideoHandler", "encoder": "Lavc libx264"}}, {"index": 1, "codec_name": "aac", "codec_type": "audio", "sample_rate": "44100", "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "0.000000", "duration": "4.000000", "bit_rate": "48480", "disposition": {"attached_pic": 0}, "tags": {"creation_time": "2021-06-05T10:20:30.000000Z", "handler_name": "SoundHandler"}}], "format": {"filename": "h264.mp4", "nb_streams": 2, "format_name": "mov,mp4,m4a,3gp,3g2,mj2", "start_time": "0.000000", "duration": "4.000000", "size": "104658", "bit_rate": "209316", "tags": {"major_brand": "isom", "creation_time": "2021-06-05T10:20:30.000000Z"}}}`,
  audioOnly: String.raw`{"streams": [{"index": 0, "codec_name": "aac", "codec_type": "audio", "sample_rate": "44100", "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "0.000000", "duration": "2.000000", "bit_rate": "48690", "disposition": {"attached_pic": 0}, "tags": {"handler_name": "SoundHandler"}}], "format": {"filename": "audio-only.mp4", "nb_streams": 1, "format_name": "mov,mp4,m4a,3gp,3g2,mj2", "start_time": "0.000000", "duration": "2.000000", "size": "13456", "bit_rate": "53824", "tags": {"major_brand": "isom"}}}`,
  song: String.raw`{"streams": [{"index": 0, "codec_name": "mp3", "codec_type": "audio", "sample_rate": "44100", "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "start_time": "0.025057", "duration": "1.044898", "bit_rate": "64000", "disposition": {"attached_pic": 0}}, {"index": 1, "codec_name": "png", "codec_type": "video", "width": 64, "height": 64, "sample_aspect_ratio": "1:1", "pix_fmt": "rgb24", "r_frame_rate": "90000/1", "avg_frame_rate": "0/0", "start_time": "0.025056", "duration": "1.044900", "disposition": {"attached_pic": 1}, "tags": {"comment": "Other"}}], "format": {"filename": "song.mp3", "nb_streams": 2, "format_name": "mp3", "start_time": "0.025056", "duration": "1.044898", "size": "10296", "bit_rate": "78828", "tags": {"encoder": "Lavf59.27.100"}}}`,
  anamorphic: String.raw`{"streams": [{"index": 0, "codec_name": "mpeg2video", "codec_type": "video", "width": 720, "height": 576, "sample_aspect_ratio": "16:15", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "start_time": "0.540000", "duration": "1.000000", "disposition": {"attached_pic": 0}, "side_data_list": [{"side_data_type": "CPB properties", "max_bitrate": 0, "min_bitrate": 0, "avg_bitrate": 0, "buffer_size": 49152, "vbv_delay": -1}]}], "format": {"filename": "dv.mpg", "nb_streams": 1, "format_name": "mpeg", "start_time": "0.540000", "duration": "1.000000", "size": "221184", "bit_rate": "1769472"}}`,
  ts: String.raw`{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 320, "height": 180, "sample_aspect_ratio": "1:1", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "start_time": "1.480000", "duration": "2.000000", "disposition": {"attached_pic": 0}}], "format": {"filename": "ts.ts", "nb_streams": 1, "format_name": "mpegts", "start_time": "1.480000", "duration": "2.000000", "size": "75388", "bit_rate": "301552"}}`,
  // What ffmpeg.wasm's ffprobe wrote for tests/fixtures/media/bad/unsupported.mkv (a VVC track): no codec, no pix_fmt.
  vvc: String.raw`{"streams":[{"index":0,"codec_type":"video","width":320,"height":180,"sample_aspect_ratio":"1:1","r_frame_rate":"25/1","avg_frame_rate":"25/1","start_time":"0.000000","tags":{"ENCODER":"Lavc libx264","DURATION":"00:00:01.000000000"}}],"format":{"filename":"/in/unsupported.mkv","nb_streams":1,"format_name":"matroska,webm","start_time":"0.000000","duration":"1.000000","size":"1879","bit_rate":"15032"}}`,
};

describe('parseProbeJson', () => {
  it('reads an MP4 with audio and a creation date', () => {
    const { result, startTime, pixelFormat } = parseProbeJson(probe.h264, 'h264.mp4', 104658);
    expect(result).toEqual({
      duration: 4,
      width: 320,
      height: 180,
      fps: 25,
      videoCodec: 'h264',
      audioCodec: 'aac',
      container: 'mp4',
      bitrate: 209316,
      rotation: 0,
      hasAudio: true,
      createdAt: Date.UTC(2021, 5, 5, 10, 20, 30),
    });
    expect(startTime).toBe(0);
    expect(pixelFormat).toBe('yuv420p');
  });

  it('turns a phone-style display matrix (-90, counter-clockwise) into 90° clockwise and swaps the size', () => {
    const { result } = parseProbeJson(probe.rotated, 'rotated.mp4', 13462);
    expect(result.rotation).toBe(90);
    expect([result.width, result.height]).toEqual([180, 320]);
  });

  it('reads the legacy clockwise rotate tag when there is no display matrix', () => {
    const json = JSON.parse(probe.h264) as { streams: { tags?: Record<string, string> }[] };
    json.streams[0].tags = { rotate: '270' };
    const { result } = parseProbeJson(JSON.stringify(json), 'old.mp4', 1);
    expect(result.rotation).toBe(270);
    expect([result.width, result.height]).toEqual([180, 320]);
  });

  it('keeps WebM apart from Matroska and reads a negative container start (Opus priming)', () => {
    const { result, startTime } = parseProbeJson(probe.webm, 'vp9.webm', 21885);
    expect(result).toMatchObject({
      container: 'webm',
      videoCodec: 'vp9',
      audioCodec: 'opus',
      duration: 3.008,
      fps: 24,
    });
    expect(startTime).toBe(-0.007);
    expect(parseProbeJson(probe.webm, 'vp9.mkv', 21885).result.container).toBe('matroska');
  });

  it('tells QuickTime from MP4 by brand, and names AVI and MPEG-TS', () => {
    expect(parseProbeJson(probe.prores, 'prores.mov', 140105).result).toMatchObject({
      container: 'mov',
      videoCodec: 'prores',
      audioCodec: 'pcm_s16le',
    });
    expect(parseProbeJson(probe.prores, 'clip.m4v', 140105).result.container).toBe('mov');
    expect(parseProbeJson(probe.h264, 'clip.m4v', 1).result.container).toBe('mp4');
    expect(parseProbeJson(probe.avi, 'mpeg4.avi', 64342).result).toMatchObject({
      container: 'avi',
      fps: 25,
      duration: 3.04,
    });
    const ts = parseProbeJson(probe.ts, 'ts.ts', 75388);
    expect(ts.result.container).toBe('mpegts');
    expect(ts.startTime).toBe(1.48);
  });

  it('widens anamorphic video by its sample aspect ratio (720×576 at 16:15 shows as 768×576)', () => {
    const { result } = parseProbeJson(probe.anamorphic, 'dv.mpg', 221184);
    expect([result.width, result.height]).toEqual([768, 576]);
    expect(result.bitrate).toBe(1769472);
  });

  it('has no video track when the only picture is cover art, or there is only audio', () => {
    expect(() => parseProbeJson(probe.song, 'song.mp3', 10296)).toThrow(BadMediaError);
    expect(() => parseProbeJson(probe.audioOnly, 'audio-only.mp4', 13456)).toThrow(/has no video track/);
  });

  it('reports no pixel format for a track no decoder could open, and falls back to the Matroska DURATION tag', () => {
    const json = JSON.parse(probe.vvc) as { format: Record<string, string> };
    delete json.format.duration;
    const details = parseProbeJson(JSON.stringify(json), 'unsupported.mkv', 1879);
    expect(details.pixelFormat).toBeNull();
    expect(details.result.videoCodec).toBeNull();
    expect(details.result.duration).toBe(1);
  });

  it('takes the base rate when the average passes it, as an FLV header saying 1000 fps does', () => {
    // ffprobe on media-dev's flv_sample.flv: avg_frame_rate 1000/1 (its millisecond time base), r_frame_rate 60/1.
    const rates = (avg: string, r: string) =>
      probe.h264.replace(
        '"r_frame_rate": "25/1", "avg_frame_rate": "25/1"',
        `"r_frame_rate": "${r}", "avg_frame_rate": "${avg}"`,
      );
    expect(parseProbeJson(rates('1000/1', '60/1'), 'flv_sample.flv', 104658).result.fps).toBe(60);
    // A variable-rate screen recording: the average is the rate, the base only its time grid.
    expect(parseProbeJson(rates('24/1', '1000/1'), 'screen.mp4', 104658).result.fps).toBe(24);
    expect(parseProbeJson(rates('0/0', '30/1'), 'old.avi', 104658).result.fps).toBe(30);
  });

  it('turns an empty or broken description into BadMediaError', () => {
    // ffprobe's JSON writer prints this for a file it cannot open.
    expect(() => parseProbeJson('{\n\n}\n', 'notes.mp4', 158)).toThrow(/has no video track/);
    expect(() => parseProbeJson('', 'notes.mp4', 158)).toThrow(BadMediaError);
  });

  it('ignores zero dates and derives a bitrate when the container has none', () => {
    const json = JSON.parse(probe.h264) as { format: { tags: Record<string, string>; bit_rate?: string } };
    json.format.tags.creation_time = '1970-01-01T00:00:00.000000Z';
    delete json.format.bit_rate;
    const { result } = parseProbeJson(JSON.stringify(json), 'h264.mp4', 100_000);
    expect(result.createdAt).toBe(Date.UTC(2021, 5, 5, 10, 20, 30)); // the stream's own tag
    expect(result.bitrate).toBe(200_000);
  });
});

describe('small parsers', () => {
  it('parses rates and normalises rotations', () => {
    expect(parseRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseRate('0/0')).toBeNull();
    expect(parseRate(undefined)).toBeNull();
    expect([-90, 90, 180, -180, 270, 360, 89.9].map(normaliseRotation)).toEqual([270, 90, 180, 180, 270, 0, 90]);
  });

  it('picks the container name from ffprobe demuxer lists', () => {
    expect(containerName({ format_name: 'matroska,webm' }, 'a.MKV')).toBe('matroska');
    expect(containerName({ format_name: 'mov,mp4,m4a,3gp,3g2,mj2', tags: { major_brand: 'qt  ' } }, 'a.bin')).toBe(
      'mov',
    );
    expect(containerName({}, 'a.mp4')).toBeNull();
  });
});

describe('parseKeyPackets', () => {
  it('keeps key packets in file order, by PTS (H.264 with B-frames: DTS runs ahead)', () => {
    // ffprobe -select_streams v:0 -show_entries packet=pts_time,dts_time,flags -of compact=p=0 h264.mp4 (ffmpeg.wasm)
    const text = [
      'pts_time=0.000000|dts_time=-0.080000|flags=K_',
      'pts_time=0.160000|dts_time=-0.040000|flags=__',
      'pts_time=0.080000|dts_time=0.000000|flags=__',
      'pts_time=1.000000|dts_time=0.920000|flags=K_',
      'pts_time=1.160000|dts_time=0.960000|flags=__',
      '',
    ].join('\n');
    expect(parseKeyPackets(text)).toEqual([0, 1]);
  });

  it('reads MPEG-TS lines (trailing separator), discardable key packets, and falls back to the DTS', () => {
    const text = [
      'pts_time=1.480000|dts_time=1.400000|flags=K_|',
      'pts_time=1.640000|dts_time=1.440000|flags=__|',
      'pts_time=N/A|dts_time=2.000000|flags=K_',
      'pts_time=3.000000|dts_time=3.000000|flags=KD',
    ].join('\n');
    expect(parseKeyPackets(text)).toEqual([1.48, 2, 3]);
  });
});

describe('parseShowinfo', () => {
  // ffmpeg.wasm's log for a run seeking to 1.501 s in h264.mp4 (abridged).
  const log = [
    'Stream mapping:',
    '  Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))',
    '[Parsed_showinfo_3 @ 0x101fb70] config in time_base: 1/12800, frame_rate: 25/1',
    '[Parsed_showinfo_3 @ 0x101fb70] config out time_base: 0/0, frame_rate: 0/0',
    '[Parsed_showinfo_3 @ 0x101fb70] n:   0 pts:   -269 pts_time:-0.0210156 pos:    36462 fmt:rgba sar:1/1 s:64x36 i:P iskey:0 type:P ',
    '[Parsed_showinfo_3 @ 0x101fb70] color_range:pc color_space:gbr color_primaries:unknown color_trc:unknown',
    "Output #0, rawvideo, to '/o.raw':",
    '[Parsed_showinfo_3 @ 0x101fb70] n:   1 pts:   6387 pts_time:0.498984 pos:    49818 fmt:rgba sar:1/1 s:64x36 i:P iskey:1 type:I ',
    'frame=    2 fps=0.0 q=-0.0 Lsize=      18kB time=00:00:00.52 bitrate= 283.6kbits/s speed=2.69x    ',
    'Aborted()',
  ];

  it('reads each output frame with its exact time (from pts and time base) and key flag', () => {
    const frames = parseShowinfo(log);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ pts: -269, timeBase: 1 / 12800, keyframe: false });
    expect(frames[0].time).toBe(-269 / 12800); // pts_time printed only -0.0210156
    expect(frames[1]).toMatchObject({ pts: 6387, keyframe: true });
  });

  it('falls back to pts_time without a time base line', () => {
    const frames = parseShowinfo(log.slice(4, 5));
    expect(frames[0].time).toBe(-0.0210156);
    expect(frames[0].timeBase).toBeNull();
  });
});

describe('log checks', () => {
  it('finds decoders the core lacks (its AV1 message really has three p)', () => {
    expect(
      findDecoderProblem([
        "[av1 @ 0xe31a30] Your platform doesn't suppport hardware accelerated AV1 decoding.",
        '[av1 @ 0xe31a30] Failed to get pixel format.',
      ]),
    ).toBe("Your platform doesn't suppport hardware accelerated AV1 decoding.");
    expect(findDecoderProblem(['Decoder (codec none) not found for input stream #0:0', 'Aborted()'])).toMatch(
      /Decoder \(codec none\) not found/,
    );
    expect(findDecoderProblem(log())).toBeNull();
  });

  it('finds truncation, and the line that explains a failure', () => {
    expect(findDamage(['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x561a54dbd940] stream 0, offset 0xc29a: partial file'])).toBe(
      'stream 0, offset 0xc29a: partial file',
    );
    expect(findDamage(log())).toBeNull();
    expect(
      lastErrorLine([
        '[mov,mp4,m4a,3gp,3g2,mj2 @ 0xe31320] moov atom not found',
        '/in/text-renamed.mp4: Invalid data found when processing input',
        'Aborted()',
      ]),
    ).toBe('/in/text-renamed.mp4: Invalid data found when processing input');
  });

  it('tells wasm traps from ordinary failures', () => {
    expect(isWasmCrash('RuntimeError: memory access out of bounds')).toBe(true);
    expect(isWasmCrash('called FFmpeg.terminate()')).toBe(false);
  });

  function log() {
    return ['Stream mapping:', '[Parsed_showinfo_3 @ 0x1] config in time_base: 1/12800, frame_rate: 25/1', 'Aborted()'];
  }
});
