import type { Stage } from '../stage';
import { openVideo } from '../stage-helpers';

/** A hash of the file's first and last 64 KiB, so a moved or renamed file is recognised at the next scan. */
export const checksumStage: Stage = {
  name: 'checksum',
  label: 'Checksum',
  priority: 95,
  needs: [],
  async run(job, { signal, tools }) {
    const { video, file } = await openVideo(job, tools);
    await tools.db.setQuickHash(video.id, await tools.checksum(file, signal));
  },
};
