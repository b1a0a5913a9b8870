import { subtitleFormatOf } from '../../lib/subtitles/parse';
import { baseName } from '../../lib/video-files';
import type { SubtitleInput } from '../../workers/transcripts/api';
import type { Stage } from '../stage';
import { jobVideo, whileAllowed } from '../stage-helpers';

/**
 * The subtitle files beside a video (`clip.srt`, `clip.en.srt`, `clip.pt-BR.vtt`, `clip.ass`), as the last scan
 * linked them: read in the transcript worker (any encoding; a malformed file gives the lines it could read and a
 * warning) and stored there, searchable at once. First in the queue, as it reads a few kilobytes of text and
 * decodes nothing; a rescan that finds a file added, edited or deleted queues it again.
 */
export const sidecarsStage: Stage = {
  name: 'sidecars',
  label: 'Subtitle files',
  priority: 105,
  needs: [],
  async run(job, { tools }) {
    const video = await jobVideo(job, tools);
    const inputs: SubtitleInput[] = [];
    for (const s of await tools.db.listSidecars(video.id)) {
      const format = subtitleFormatOf(s.path);
      if (!format) continue;
      try {
        const bytes = await whileAllowed(job, tools, video, () => tools.openPath(video, s.path));
        inputs.push({ label: baseName(s.path), language: s.language, format, bytes });
      } catch (err) {
        // Deleted since the scan: the next rescan unlinks it; the others are still read.
        if ((err as Error).name !== 'FileGoneError') throw err;
      }
    }
    await tools.transcripts.storeSubtitles(video.id, video.libraryId, 'sidecar', inputs);
  },
};
