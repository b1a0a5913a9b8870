import type { JobStage } from '../lib/types';
import type { Stage } from './stage';
import { checksumStage } from './stages/checksum';
import { embeddingsStage } from './stages/embeddings';
import { framesStage } from './stages/frames';
import { posterStage } from './stages/poster';
import { probeStage } from './stages/probe';
import { readTextStage } from './stages/read-text';
import { scenesStage } from './stages/scenes';
import { sidecarsStage } from './stages/sidecars';
import { subtitlesStage } from './stages/subtitles';
import { suggestedTagsStage } from './stages/suggested-tags';
import { transcribeStage } from './stages/transcribe';

/**
 * Every stage a video goes through, in the order a newcomer should read them: a frame's way from the file to a
 * search result runs probe → scenes (key frames, fingerprinted and stored) → frames (dense samples, the same)
 * → embeddings (word search) → suggested-tags (words the model sees, offered as tags). What is said takes its own way: sidecars (subtitle files beside the video) and
 * subtitles (tracks inside it) store lines for "Said" search, and transcribe (speech to text, when the user asks
 * for it) stores what the speech model heard; read-text (when the user asks for it) stores the text shown on screen. Adding a stage is one file in stages/ and one line here.
 */
const declared = {
  probe: probeStage,
  checksum: checksumStage,
  sidecars: sidecarsStage,
  poster: posterStage,
  scenes: scenesStage,
  frames: framesStage,
  subtitles: subtitlesStage,
  embeddings: embeddingsStage,
  'suggested-tags': suggestedTagsStage,
  transcribe: transcribeStage,
  'read-text': readTextStage,
} satisfies Record<JobStage, Stage>; // a JobStage without a stage file does not compile

export const stages: readonly Stage[] = Object.values(declared);

export const stageNames: readonly JobStage[] = stages.map((s) => s.name);

/** The stages every video goes through when it is added or changes; the others run only when the user asks. */
export const scanStageNames: readonly JobStage[] = stages.filter((s) => !s.onRequest).map((s) => s.name);

const byName = new Map(stages.map((s) => [s.name, s]));

export function stageOf(name: JobStage): Stage {
  const stage = byName.get(name);
  if (!stage) throw new Error(`No stage is called "${name}".`);
  return stage;
}

/** Stages that need `name`, directly or through others: skipped when it fails, run again when it is retried. */
export function dependentsOf(name: JobStage): JobStage[] {
  const out = new Set<JobStage>();
  const visit = (n: JobStage) => {
    for (const s of stages)
      if (s.needs.includes(n) && !out.has(s.name)) {
        out.add(s.name);
        visit(s.name);
      }
  };
  visit(name);
  return [...out];
}
