import { describe, expect, it } from 'vitest';
import { stoppedBecause } from '../../src/state/clip-jobs';

const named = (name: string, message = 'The browser said no.') => Object.assign(new Error(message), { name });

describe('why a video tool stopped, in words the user can act on', () => {
  it('a full disk: what was deleted, and to free space and retry', () => {
    expect(stoppedBecause(named('QuotaExceededError'), 'Holiday', true)).toBe(
      'The disk is full. What the job had written was deleted; the video is untouched. Free some space, then press Retry.',
    );
  });

  it('a withdrawn permission: reconnect the folder, allow editing, retry', () => {
    expect(stoppedBecause(named('NotAllowedError'), 'Holiday', true)).toMatch(
      /^Framefinder may no longer write into “Holiday”: the permission was withdrawn\. What the job had written was deleted; the video is untouched\. Click “Reconnect folder”, allow editing when asked, then press Retry\.$/,
    );
  });

  it('says where leftovers may be when the partial files could not be deleted, and claims no deletion', () => {
    const text = stoppedBecause(named('QuotaExceededError'), 'Holiday', false);
    expect(text).not.toMatch(/was deleted/);
    expect(text).toMatch(/may be left in the “Clips” folder of “Holiday”/);
  });

  it('anything else: what the browser or the tool said, without a stack', () => {
    const err = named('CannotCopyError', 'The picture of this file cannot be copied into MP4.');
    expect(stoppedBecause(err, 'Holiday', true)).toBe('The picture of this file cannot be copied into MP4.');
  });
});
