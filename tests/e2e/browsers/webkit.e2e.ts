// WebKitGTK (Safari's engine; Debian's webkit2gtk-driver) through WebKitWebDriver and MiniBrowser on Xvfb.
import { describe, test } from 'vitest';
import { engineAvailable, launchWebKit } from './drivers';
import { userJourneys } from './journeys';

if (engineAvailable('WebKit')) userJourneys('WebKit', launchWebKit);
else describe.skip('WebKit: webkit2gtk-driver or xvfb is not installed', () => test('journeys', () => undefined));
