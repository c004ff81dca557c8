// The VM list with 256 VMs defined: it renders, and an event changes its VM's row in place,
// leaving the other 255 rows untouched.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keepScreenshot, launchBrowser, watchPage } from './support/browser.mjs';
import { failureLog, guestFile, startNubed } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';

const COUNT = 256;
const STEP = { timeout: 180_000 };
// Generous for a loaded 2-core machine; bench/ measures the real figure.
const RENDER_BOUND_MS = 10_000;

const name = (i) => `vm-${String(i).padStart(3, '0')}`;
const idleVm = (i) => ({
  name: name(i), memoryStartupMiB: 64,
  ideDrives: [{ controller: 0, location: 0, media: 'dvd', path: guestFile('data.img') }],
  boot: { kind: 'disk', disk: 'ide0:0' },
});

describe(`the VM list with ${COUNT} VMs`, () => {
  let nubed;
  let browser;
  let page;
  let problems;
  const { step, dump } = failureLog();

  before(async () => {
    nubed = await startNubed();
    browser = await launchBrowser();
    for (let i = 0; i < COUNT; i += 16) {
      await Promise.all(Array.from({ length: 16 }, (_, k) => nubed.api('POST', '/api/v1/vms', idleVm(i + k))));
    }
  });

  after(async () => {
    await browser?.close();
    dump(nubed);
    await nubed?.stop();
  });

  test(`all ${COUNT} rows render, in name order`, STEP, step(async () => {
    ({ page } = await signedInPage(browser, nubed, { path: '/vms' }));
    problems = watchPage(page);
    await page.locator('tbody tr').nth(COUNT - 1).waitFor();
    const shown = await page.evaluate(() => ({
      rows: [...document.querySelectorAll('tbody tr')].map((r) => r.dataset.vm),
      ms: performance.now(),
    }));
    assert.equal(shown.rows.length, COUNT);
    assert.deepEqual(shown.rows, Array.from({ length: COUNT }, (_, i) => name(i)));
    assert.ok(shown.ms < RENDER_BOUND_MS, `the list took ${Math.round(shown.ms)} ms`);
  }));

  test('a start changes its row in place and no other row', STEP, step(async () => {
    const target = name(200);
    // Every node the start's events touch, by the row it lies in.
    await page.evaluate(() => {
      window.touchedRows = new Set();
      window.rowObserver = new MutationObserver((records) => {
        for (const r of records) {
          const node = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
          window.touchedRows.add(node.closest('tr')?.dataset.vm ?? `outside: ${node.tagName}`);
        }
      });
      window.rowObserver.observe(document.querySelector('tbody'), { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const { id } = (await nubed.api('GET', '/api/v1/vms')).find((v) => v.name === target);
    await nubed.api('POST', `/api/v1/vms/${id}/start`);
    await page.locator(`tr[data-vm="${target}"] td[data-state="running"]`).waitFor({ timeout: 60_000 });
    await page.locator(`tr[data-vm="${target}"]`).getByText('Start done').waitFor({ timeout: 60_000 });
    const touched = await page.evaluate(() => {
      window.rowObserver.disconnect();
      return [...window.touchedRows];
    });
    assert.deepEqual(touched, [target]);
    await keepScreenshot(page, 'vm-list-256');

    await nubed.api('POST', `/api/v1/vms/${id}/turn-off?wait=60`);
    await page.locator(`tr[data-vm="${target}"] td[data-state="off"]`).waitFor({ timeout: 30_000 });
    assert.deepEqual(problems, []);
  }));
});
