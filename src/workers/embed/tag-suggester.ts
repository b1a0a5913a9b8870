import { genericCaptions } from '../../lib/embeddings/word-search';
import { meanVector, pickSuggestions, videoConfidences, type Suggestion } from '../../lib/suggested-tags/score';
import { promptsFor, vocabularyWords } from '../../lib/suggested-tags/vocabulary';
import { ModelChangedError } from './scene-index';

/** What the suggester needs of the scene index (./scene-index.ts). */
export interface SuggesterSource {
  videoVectors(videoId: number, modelId: string): Promise<Float32Array[] | null>;
  embedTexts(texts: readonly string[]): Promise<{ modelId: string; vectors: Float32Array[] }>;
}

interface WordVectors {
  words: Float32Array[];
  background: Float32Array[];
}

/**
 * Suggested tags (issue 15): the vocabulary's text vectors are made once per model, on the first video scored, and
 * kept while the worker lives; each video is then scored against them from the vectors already stored for word
 * search, so suggesting costs no decoding and no image inference.
 */
export function tagSuggester(source: SuggesterSource) {
  const cache = new Map<string, Promise<WordVectors>>();

  async function embedWords(modelId: string): Promise<WordVectors> {
    const prompts = vocabularyWords.map(promptsFor);
    const { modelId: made, vectors } = await source.embedTexts([...prompts.flat(), ...genericCaptions]);
    if (made !== modelId) throw new ModelChangedError('The model changed while its words were embedded.');
    let at = 0;
    const words = prompts.map((p) => meanVector(vectors.slice(at, (at += p.length))));
    return { words, background: vectors.slice(at) };
  }

  function wordsOf(modelId: string): Promise<WordVectors> {
    let words = cache.get(modelId);
    if (!words) {
      words = embedWords(modelId);
      cache.set(modelId, words);
      words.catch(() => cache.delete(modelId));
    }
    return words;
  }

  return {
    /**
     * The words to suggest for a video, from its frames `modelId` embedded; null when it has none of that model
     * (not embedded yet, or by another model). Rejects with ModelChangedError when `modelId` is no longer loaded.
     */
    async suggestTags(videoId: number, modelId: string): Promise<Suggestion[] | null> {
      const frames = await source.videoVectors(videoId, modelId);
      if (!frames) return null;
      const { words, background } = await wordsOf(modelId);
      return pickSuggestions(vocabularyWords, videoConfidences(frames, words, background));
    },
  };
}
