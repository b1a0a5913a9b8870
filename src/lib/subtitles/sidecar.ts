import { subtitleFormatOf } from './parse';
import type { SubtitleFormat } from './types';

/** A subtitle file beside a video: `clip.srt`, `clip.en.srt`, `clip.pt-BR.vtt`, `clip.forced.ass`. */
export interface SidecarName {
  format: SubtitleFormat;
  /** A BCP 47 tag when the name carries one ('en', 'pt-BR'), else null. */
  language: string | null;
}

/** en, eng, pt-BR, zh-Hant, es-419: a language tag as subtitle files carry them. */
const languageTag = /^[a-z]{2,3}(?:-(?:[A-Za-z]{4}|[A-Za-z]{2}|\d{3}))?$/i;

const stemOf = (name: string) => name.slice(0, name.lastIndexOf('.') > 0 ? name.lastIndexOf('.') : name.length);

/**
 * Whether `subtitleName` (a file name, no folder) belongs to the video named `videoName` in the same folder: its
 * name is the video's without the extension, then optionally `.<anything>` (a language tag, or a word such as
 * "forced"), then a subtitle extension. Names are compared as written, as file systems mostly do.
 */
export function sidecarOf(videoName: string, subtitleName: string): SidecarName | null {
  const format = subtitleFormatOf(subtitleName);
  if (!format) return null;
  const stem = stemOf(videoName);
  const sub = stemOf(subtitleName);
  if (sub === stem) return { format, language: null };
  if (!sub.startsWith(`${stem}.`)) return null;
  const tags = sub.slice(stem.length + 1).split('.');
  const tag = tags.find((t) => languageTag.test(t));
  return { format, language: tag ? canonicalTag(tag) : null };
}

/** 'PT-br' → 'pt-BR', 'zh-hant' → 'zh-Hant': the casing BCP 47 recommends. */
function canonicalTag(tag: string): string {
  const [lang, region] = tag.split('-');
  if (!region) return lang.toLowerCase();
  const sub = region.length === 4 ? region[0].toUpperCase() + region.slice(1).toLowerCase() : region.toUpperCase();
  return `${lang.toLowerCase()}-${sub}`;
}

/**
 * Links each subtitle file of one folder to the video it belongs to. When two videos could claim a file
 * (`a.mp4` and `a.b.mp4` both claim `a.b.srt`), the longer name wins: `a.b.srt` is `a.b.mp4`'s.
 */
export function linkSidecars(videoNames: readonly string[], subtitleNames: readonly string[]) {
  const links: { video: string; subtitle: string; sidecar: SidecarName }[] = [];
  const byLength = [...videoNames].sort((a, b) => stemOf(b).length - stemOf(a).length);
  for (const subtitle of subtitleNames) {
    for (const video of byLength) {
      const sidecar = sidecarOf(video, subtitle);
      if (sidecar) {
        links.push({ video, subtitle, sidecar });
        break;
      }
    }
  }
  return links;
}
