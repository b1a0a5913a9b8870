// Firefox ESR (Debian's firefox-esr) over WebDriver BiDi: no showDirectoryPicker, so Choose folder; OPFS; WebCodecs.
import { engineAvailable, launchFirefox, missingEngine } from './drivers';
import { userJourneys } from './journeys';

if (engineAvailable('Firefox')) userJourneys('Firefox', launchFirefox);
else missingEngine('Firefox', 'firefox-esr');
