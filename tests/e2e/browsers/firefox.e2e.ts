// Firefox ESR (Debian's firefox-esr) over WebDriver BiDi: no showDirectoryPicker, so Choose folder; OPFS; WebCodecs.
import { describe, test } from 'vitest';
import { engineAvailable, launchFirefox } from './drivers';
import { userJourneys } from './journeys';

if (engineAvailable('Firefox')) userJourneys('Firefox', launchFirefox);
else describe.skip('Firefox: firefox-esr is not installed', () => test('journeys', () => undefined));
