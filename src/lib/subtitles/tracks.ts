import type { CueSource, CueTrack, SubtitleFormat } from './types';

/** A track's identity within its video: the store keeps one track per source and label. */
export const trackKey = (t: Pick<CueTrack, 'source' | 'label'>) => `${t.source}:${t.label}`;

const sourceWords: Record<CueSource, string> = {
  sidecar: 'subtitle file',
  embedded: 'inside the video',
  speech: 'transcribed speech',
};

/** 'pt-BR' → 'Portuguese (Brazil)' in the user's language; the tag itself when the runtime does not know it. */
export function languageName(tag: string | null, locale?: string): string | null {
  if (!tag) return null;
  try {
    return new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag; // not a well-formed tag: shown as written
  }
}

/**
 * What the caption menu and the transcript call a track: its language when known, then where it comes from
 * ("English · garden.en.srt", "Portuguese (Brazil) · garden.pt-BR.vtt", "Transcribed speech (whisper-tiny)").
 */
export function trackName(t: Pick<CueTrack, 'source' | 'label' | 'language' | 'modelId'>, locale?: string): string {
  const language = languageName(t.language, locale);
  const origin =
    t.source === 'speech'
      ? `${sourceWords.speech}${t.modelId ? ` (${t.modelId})` : ''}`
      : t.label || sourceWords[t.source];
  return language ? `${language} · ${origin}` : origin;
}

/**
 * The name to save a track under beside its video so a later scan links it back: `talk.srt`, `talk.en.srt`, or with
 * `n` > 1 a free variant `talk.en.2.srt` (`talk (2).srt` would no longer start with the video's name).
 */
export function sidecarFileName(
  videoName: string,
  language: string | null,
  format: Exclude<SubtitleFormat, 'ass'>,
  n = 1,
): string {
  const dot = videoName.lastIndexOf('.');
  const stem = dot > 0 ? videoName.slice(0, dot) : videoName;
  return [stem, language, n > 1 ? String(n) : null, format].filter((p) => p !== null && p !== '').join('.');
}
