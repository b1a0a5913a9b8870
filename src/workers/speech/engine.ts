import { pipeline, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import { linesFromWords, type HeardLine } from '../../lib/speech/words';
import { ModelLoadError, withModelFiles, type LoadOptions } from '../models/hub-files';
import { detectLanguage, whisperAbilities } from './whisper-language';

/** What the model heard in one window: lines with times inside it when the model gives them (Whisper). */
export type HeardChunk = HeardLine;

export interface SpeechEngine {
  /** Names these exact weights, as the CLIP model id does: `<name>:<dtype>:<16 hex>`. */
  readonly modelId: string;
  /** 'whisper' gives line times; a CTC model (wav2vec2) gives text for the whole window. */
  readonly family: 'whisper' | 'ctc';
  /** The Whisper language codes the model can be told or can detect; empty for English-only and CTC models. */
  readonly languages: readonly string[];
  /** Whether lines come with each word's time (a Whisper export with cross-attentions and alignment heads). */
  readonly wordTimes: boolean;
  /** Transcribes 16 kHz mono audio (at most 30 s). `language` is a Whisper language code (null: English). */
  hear(samples: Float32Array, language: string | null): Promise<HeardChunk[]>;
  /** The likeliest of `languages` in this audio (at most 30 s), or null when the model takes no language. */
  detectLanguage(samples: Float32Array): Promise<string | null>;
  dispose(): Promise<void>;
}

interface AsrOutput {
  text: string;
  chunks?: { text: string; timestamp: [number, number | null] }[];
}

/**
 * Loads a speech model folder (Whisper or a CTC model such as wav2vec2, as transformers.js publishes them) into
 * the `automatic-speech-recognition` pipeline, through the same mounted files as the CLIP model: nothing is
 * fetched unless `options.download` says the user asked.
 */
export async function loadSpeechEngine(options: LoadOptions): Promise<SpeechEngine> {
  const { dtype = 'q8', threads } = options;
  const {
    value: asr,
    modelId,
    failedWrites,
  } = await withModelFiles(options, 'speech', (key, progress_callback) =>
    pipeline('automatic-speech-recognition', key, {
      dtype,
      progress_callback,
      session_options: threads ? { intraOpNumThreads: threads } : {},
    }).catch((err: Error) => {
      throw new ModelLoadError(`The speech model could not be loaded: ${err.message}`, { cause: err });
    }),
  );
  const pipe = asr as AutomaticSpeechRecognitionPipeline;
  if (failedWrites.length) {
    await pipe.dispose();
    throw new ModelLoadError(`The downloaded model could not be kept: ${failedWrites.join('; ')}`);
  }
  const type = (pipe.model.config as unknown as { model_type?: string }).model_type ?? '';
  const family = type.includes('whisper') ? 'whisper' : 'ctc';
  const { languages, wordTimes } = family === 'whisper' ? whisperAbilities(pipe) : { languages: [], wordTimes: false };
  return {
    modelId,
    family,
    languages,
    wordTimes,
    async hear(samples, language) {
      if (family === 'ctc') {
        const out = (await pipe(samples)) as AsrOutput;
        return [{ text: out.text }];
      }
      // No `task`: an English-only Whisper refuses one, and 'transcribe' is the default of the others.
      const out = (await pipe(samples, {
        return_timestamps: wordTimes ? 'word' : true,
        ...(language && languages.length ? { language } : {}),
      })) as AsrOutput;
      if (!out.chunks?.length) return [{ text: out.text }];
      return wordTimes ? linesFromWords(out.chunks) : out.chunks;
    },
    async detectLanguage(samples) {
      return languages.length ? detectLanguage(pipe, samples) : null;
    },
    async dispose() {
      await pipe.dispose();
    },
  };
}
