// WebKitGTK (Safari's engine; Debian's webkit2gtk-driver) through WebKitWebDriver and MiniBrowser on Xvfb.
import { engineAvailable, launchWebKit, missingEngine } from './drivers';
import { userJourneys } from './journeys';

if (engineAvailable('WebKit')) userJourneys('WebKit', launchWebKit);
else missingEngine('WebKit', 'webkit2gtk-driver xvfb');
