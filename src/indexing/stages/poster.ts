import type { Stage } from '../stage';
import { needDuration, openVideo, storeImage, tierOf, timeoutFor } from '../stage-helpers';

/** The card's picture: the first frame from 10 % on that is not black or flat. */
export const posterStage: Stage = {
  name: 'poster',
  label: 'Poster',
  priority: 90,
  needs: ['probe'],
  async run(job, { signal, tools }) {
    const { video, file } = await openVideo(job, tools);
    const duration = needDuration(video);
    const r = await tools.media.run(signal, timeoutFor(duration, 50), 'Making the poster', (m) =>
      m.poster({ file, duration, prefer: tierOf(video) }),
    );
    await storeImage(tools, video.id, 'poster', r, r.time);
  },
};
