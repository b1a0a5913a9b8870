import { Tensor, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';

/** The parts of Whisper's generation_config.json this file reads. */
interface WhisperGeneration {
  is_multilingual?: boolean;
  lang_to_id?: Record<string, number>;
  decoder_start_token_id?: number;
  alignment_heads?: [number, number][];
}

const generationOf = (pipe: AutomaticSpeechRecognitionPipeline) =>
  ((pipe.model as unknown as { generation_config?: WhisperGeneration }).generation_config ?? {}) as WhisperGeneration;

/**
 * What a loaded Whisper can do: the languages it takes (none for an English-only model), and whether it times words
 * (alignment heads in its generation config, and a decoder exported with its cross-attentions: the plain
 * onnx-community exports lack them and transformers.js would throw mid-transcript).
 */
export function whisperAbilities(pipe: AutomaticSpeechRecognitionPipeline) {
  const gen = generationOf(pipe);
  const languages = gen.is_multilingual
    ? Object.keys(gen.lang_to_id ?? {})
        .map((token) => /^<\|(.+)\|>$/.exec(token)?.[1])
        .filter((code): code is string => !!code)
    : [];
  const sessions = (pipe.model as unknown as { sessions?: Record<string, { outputNames?: string[] }> }).sessions;
  const crossAttentions = (sessions?.decoder_model_merged?.outputNames ?? []).some((n) =>
    n.startsWith('cross_attentions'),
  );
  return { languages, wordTimes: !!gen.alignment_heads?.length && crossAttentions };
}

/**
 * Whisper's language detection, which transformers.js 4.3 lacks (it warns and listens for English): the encoder
 * hears the audio, the decoder takes one step from <|startoftranscript|>, and the likeliest language token wins.
 */
export async function detectLanguage(
  pipe: AutomaticSpeechRecognitionPipeline,
  samples: Float32Array,
): Promise<string | null> {
  const gen = generationOf(pipe);
  const tokens = Object.entries(gen.lang_to_id ?? {});
  if (!tokens.length || gen.decoder_start_token_id == null) return null;
  const { input_features } = (await pipe.processor(samples)) as { input_features: Tensor };
  const start = new Tensor('int64', BigInt64Array.of(BigInt(gen.decoder_start_token_id)), [1, 1]);
  const model = pipe.model as unknown as { forward(inputs: object): Promise<{ logits: Tensor }> };
  const { logits } = await model.forward({ input_features, decoder_input_ids: start });
  const scores = logits.data as Float32Array; // [1, 1, vocabulary]: the one step's scores
  let best: string | null = null;
  let bestScore = -Infinity;
  for (const [token, id] of tokens) {
    if (scores[id] > bestScore) {
      bestScore = scores[id];
      best = /^<\|(.+)\|>$/.exec(token)?.[1] ?? null;
    }
  }
  return best;
}
