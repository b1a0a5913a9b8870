/**
 * The speech models the Models panel offers to download: OpenAI's Whisper as transformers.js publishes it (Xenova's
 * ONNX exports, 8-bit weights: an encoder and a merged decoder). Sizes are what the q8 files weigh on the hub,
 * rounded; nothing is fetched until the user clicks.
 */
export interface SpeechChoice {
  repo: string;
  /** The OPFS folder it is kept in. */
  folder: string;
  name: string;
  /** English only (.en): a little more accurate on English, no other language. */
  englishOnly: boolean;
  approxBytes: number;
  /** Parameters, as the Whisper paper publishes them. */
  parameters: string;
}

const whisper = (size: 'tiny' | 'base', englishOnly: boolean, approxBytes: number): SpeechChoice => {
  const id = `whisper-${size}${englishOnly ? '.en' : ''}`;
  return {
    repo: `Xenova/${id}`,
    folder: `Xenova--${id}`,
    name: `Whisper ${size}${englishOnly ? ' (English only)' : ' (many languages)'}, 8-bit`,
    englishOnly,
    approxBytes,
    parameters: size === 'tiny' ? '39 M' : '74 M',
  };
};

export const speechChoices: readonly SpeechChoice[] = [
  whisper('tiny', false, 43_000_000),
  whisper('tiny', true, 43_000_000),
  whisper('base', false, 80_000_000),
  whisper('base', true, 80_000_000),
];

/** A folder the speech section owns (a finished or a cancelled download), not the word-search model's. */
export const isSpeechFolder = (folder: string) => speechChoices.some((c) => c.folder === folder);

/** Languages offered to listen for (Whisper codes); with none a multilingual Whisper listens for English. */
export const spokenLanguages: readonly { code: string; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Spanish' },
  { code: 'fr', name: 'French' },
  { code: 'de', name: 'German' },
  { code: 'it', name: 'Italian' },
  { code: 'pt', name: 'Portuguese' },
  { code: 'nl', name: 'Dutch' },
  { code: 'pl', name: 'Polish' },
  { code: 'ru', name: 'Russian' },
  { code: 'uk', name: 'Ukrainian' },
  { code: 'tr', name: 'Turkish' },
  { code: 'ar', name: 'Arabic' },
  { code: 'hi', name: 'Hindi' },
  { code: 'zh', name: 'Chinese' },
  { code: 'ja', name: 'Japanese' },
  { code: 'ko', name: 'Korean' },
];
