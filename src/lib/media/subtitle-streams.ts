// Subtitle tracks inside a video as ffprobe lists them, and the ffmpeg.wasm arguments that turn the ones carrying
// text into SRT or ASS files the subtitle parsers read (mediabunny reads no subtitle track, so ffmpeg does this).

/** A subtitle stream of a video, from ffprobe's JSON. */
export interface SubtitleStream {
  /** The stream's index in the file (what `-map 0:<index>` names). */
  index: number;
  codec: string;
  language: string | null;
  title: string | null;
}

/**
 * Text subtitle codecs, every one written out as SRT: ffmpeg turns ASS styling into the few HTML-ish tags the
 * parser strips. Not as ASS, because ffmpeg copies a track's own [Events] Format line, which real files get wrong
 * (six fields named, ten written: the media-dev sample), while its SRT comes from the decoded lines.
 */
const textCodecs: Record<string, 'srt'> = {
  subrip: 'srt',
  srt: 'srt',
  text: 'srt',
  webvtt: 'srt',
  mov_text: 'srt',
  ass: 'srt',
  ssa: 'srt',
};

/** Codecs that are pictures of text (Blu-ray PGS, DVD, DVB): nothing here can read words from them. */
const imageCodecs: Record<string, string> = {
  hdmv_pgs_subtitle: 'PGS',
  dvd_subtitle: 'DVD (VobSub)',
  dvb_subtitle: 'DVB',
  xsub: 'XSUB',
};

export function subtitleStreams(probeJson: string): SubtitleStream[] {
  let parsed: {
    streams?: { index?: number; codec_type?: string; codec_name?: string; tags?: Record<string, string> }[];
  };
  try {
    parsed = JSON.parse(probeJson) as typeof parsed;
  } catch {
    return [];
  }
  return (parsed.streams ?? [])
    .filter((s) => s.codec_type === 'subtitle' && typeof s.index === 'number')
    .map((s) => {
      const tag = (name: string) => s.tags?.[name] ?? s.tags?.[name.toUpperCase()] ?? null;
      const language = tag('language');
      return {
        index: s.index!,
        codec: s.codec_name ?? 'unknown',
        language: language && language !== 'und' ? language : null,
        title: tag('title'),
      };
    });
}

/** How a stream is read: written out as `format`, or skipped for `reason`. */
export function subtitlePlan(
  stream: SubtitleStream,
): { format: 'srt'; skipped: null } | { format: null; skipped: string } {
  const format = textCodecs[stream.codec];
  if (format) return { format, skipped: null };
  const image = imageCodecs[stream.codec];
  if (image)
    return { format: null, skipped: `${image} subtitles are pictures of text, which cannot be searched: skipped.` };
  const name =
    stream.codec === 'unknown' || stream.codec === 'none'
      ? 'a format ffmpeg does not know'
      : `the “${stream.codec}” format`;
  return { format: null, skipped: `Subtitles in ${name} cannot be read here: skipped.` };
}

/** One ffmpeg run that writes every readable stream to its own file (the video is demuxed once). */
export function extractSubtitleArgs(input: string, outputs: readonly { index: number; path: string }[]): string[] {
  const args = ['-hide_banner', '-nostdin', '-i', input];
  for (const o of outputs) {
    const ass = o.path.endsWith('.ass');
    args.push('-map', `0:${o.index}`, '-c:s', ass ? 'ass' : 'srt', '-f', ass ? 'ass' : 'srt', o.path);
  }
  return args;
}

/** "Track 3 · English title (eng)": what the player's caption menu calls an embedded track. */
export function trackLabel(stream: SubtitleStream): string {
  const parts = [`Track ${stream.index}`];
  if (stream.title) parts.push(stream.title);
  return parts.join(' · ') + (stream.language ? ` (${stream.language})` : '');
}
