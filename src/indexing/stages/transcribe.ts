import type { Cue } from '../../lib/subtitles/types';
import type { StoredTrack } from '../../workers/transcripts/codec';
import type { Stage } from '../stage';
import { openVideo, timeoutFor } from '../stage-helpers';

/** What a speech track says when there was nothing to hear. */
export const noAudioNote = 'No audio';
export const silenceNote = 'No speech was heard: the transcript is empty.';

/**
 * Speech to text, only when the user asks for it (a selection or a library) and a speech model is in use: the
 * speech worker decodes the sound track to 16 kHz mono, skips what is not speech and transcribes the rest; the
 * lines are stored as the video's 'speech' track, all at once, so a cancelled or failed run leaves the previous
 * transcript (or none), never half of one. Lines the user fixed by hand are kept over the new ones they overlap.
 * A file without a sound track is noted "No audio", one without speech gets an empty transcript that says so:
 * neither is a failure. Run again (a reload, a retry), it simply transcribes again.
 */
export const transcribeStage: Stage = {
  name: 'transcribe',
  label: 'Speech to text',
  priority: 2,
  needs: ['probe'],
  onRequest: true,
  async run(job, { signal, progress, tools }) {
    await tools.speech.whenRestored();
    const model = tools.speech.active();
    if (!model) throw new Error('No speech model is in use: add one in the Models panel, then transcribe again.');
    const { video, file } = await openVideo(job, tools);
    const duration = video.duration ?? 0;
    // Decoding is fast; the model is not: allow it a few times realtime on a slow machine.
    const timeoutMs = timeoutFor(video.duration, 3000, 120_000);
    const heard = await tools.speech.transcribe(file, {
      signal,
      timeoutMs,
      onProgress: (seconds) => progress(duration > 0 ? Math.min(95, (seconds / duration) * 95) : 50),
    });
    const edited = (await tools.transcripts.tracks(video.id))
      .filter((t) => t.source === 'speech')
      .flatMap((t) => t.cues.filter((c) => c.edited));
    const track: StoredTrack = {
      source: 'speech',
      language: heard.language ?? model.language,
      label: `Speech (${model.name})`,
      modelId: heard.modelId,
      cues: keepEdited(heard.cues, edited),
      warnings:
        heard.status === 'no-audio' ? [noAudioNote] : heard.status === 'silence' && !edited.length ? [silenceNote] : [],
    };
    await tools.transcripts.storeTracks(video.id, video.libraryId, 'speech', [track]);
  },
};

/** The new lines, with the lines fixed by hand in place of those they overlap. */
export function keepEdited(heard: readonly Cue[], edited: readonly Cue[]): Cue[] {
  if (edited.length === 0) return [...heard];
  const overlaps = (a: Cue, b: Cue) => a.start < b.end && b.start < a.end;
  return [...edited, ...heard.filter((c) => !edited.some((e) => overlaps(c, e)))].sort((a, b) => a.start - b.start);
}
