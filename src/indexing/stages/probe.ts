import type { Stage } from '../stage';
import { openVideo } from '../stage-helpers';

/** Duration, display size with rotation, frame rate, codecs, date taken: the video becomes browsable. */
export const probeStage: Stage = {
  name: 'probe',
  label: 'Metadata',
  priority: 100,
  needs: [],
  async run(job, { signal, tools }) {
    const { video, file } = await openVideo(job, tools);
    const r = await tools.media.run(signal, 60_000, 'Reading the video', (m) => m.probe({ file }));
    await tools.db.saveProbe(video.id, r.probe, r.tier);
  },
};
