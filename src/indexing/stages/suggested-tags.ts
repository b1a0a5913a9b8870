import type { Stage } from '../stage';
import { runAgain } from '../stage-helpers';

const isModelChange = (err: unknown) => (err as Error).name === 'ModelChangedError';

/**
 * Suggested tags (issue 15), once a model is active: the embed worker scores the video's stored word-search vectors
 * against the built-in vocabulary, and the words it sees are stored as suggestions for the user to accept or
 * dismiss. Nothing is decoded and nothing is tagged here. Activating another model queues it again after the
 * video's embeddings; words the user answered stay answered.
 */
export const suggestedTagsStage: Stage = {
  name: 'suggested-tags',
  label: 'Suggested tags',
  priority: 4,
  needs: ['embeddings'],
  async run(job, { tools }) {
    await tools.models.whenRestored();
    const model = tools.models.active();
    if (!model) return;
    let words;
    try {
      words = await tools.embed.suggestTags(job.videoId, model.modelId);
    } catch (err) {
      if (!isModelChange(err)) throw err;
      return runAgain(job, tools);
    }
    // Not embedded by this model (it became active meanwhile): its embeddings run queues this stage again.
    if (words === null) return;
    if (tools.models.active()?.modelId !== model.modelId) return runAgain(job, tools);
    await tools.db.saveTagSuggestions(job.videoId, model.modelId, words);
  },
};
