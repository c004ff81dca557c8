// A suite's nubed and browser: both started before its first test and ended after its last, with
// nubed's log printed when a test failed.

import { after, before } from 'node:test';
import { launchBrowser } from './browser.mjs';
import { failureLog, startNubed } from './nubed.mjs';

/** Call inside `describe`; `nubed` and `browser` are there once the suite's tests run. */
export function nubedAndBrowser() {
  const suite = { nubed: null, browser: null, ...failureLog() };
  before(async () => {
    suite.nubed = await startNubed();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    suite.dump(suite.nubed);
    await suite.nubed?.stop();
  });
  return suite;
}
