// Chromium (Debian's chromium, through playwright-core): the same journeys as Firefox and WebKit, so the README's
// browser table compares like with like. Chromium's own features (Open folder, share, open with) have their e2e files.
import { launchChromium } from './drivers';
import { userJourneys } from './journeys';

userJourneys('Chromium', launchChromium);
