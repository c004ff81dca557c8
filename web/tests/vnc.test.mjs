// The VM's screen in noVNC, against the display contract (GET /api/v1/vms/{vm}/vnc, a WebSocket of
// raw RFB; GET /api/v1/vms/{vm}/screenshot, a PNG of the same screen).
//
// The guest's text is checked without OCR: the guest clears its text console, then fills it;
// the browser's canvas must go from nearly blank to lit, and must match, pixel for pixel, the
// screenshot QEMU itself takes of the screen. Keys typed with "Type clipboard text" must reach
// the guest's keyboard (read back through the serial console).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keepScreenshot, launchBrowser, watchPage } from './support/browser.mjs';
import { failureLog, guestSettings, startNubed, waitForSerial } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';

const STEP = { timeout: 180_000 };
const PROMPT = 'nube-guest:/#';

/** Share of the noVNC canvas's pixels that are not the background (black). */
const litShare = (page) => page.evaluate(() => {
  const canvas = document.querySelector('[data-testid="vnc-screen"] canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let lit = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 96) lit++;
  return lit / (data.length / 4);
});

/** Share of pixels that differ between the noVNC canvas and the host's screenshot of the screen. */
const differenceFromScreenshot = (page, id) => page.evaluate(async (vm) => {
  const canvas = document.querySelector('[data-testid="vnc-screen"] canvas');
  const shot = await createImageBitmap(await (await fetch(`/api/v1/vms/${vm}/screenshot`)).blob());
  if (shot.width !== canvas.width || shot.height !== canvas.height) return `size ${shot.width}x${shot.height} vs ${canvas.width}x${canvas.height}`;
  const other = new OffscreenCanvas(shot.width, shot.height).getContext('2d');
  other.drawImage(shot, 0, 0);
  const a = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const b = other.getImageData(0, 0, shot.width, shot.height).data;
  let differ = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 48) differ++;
  }
  return differ / (a.length / 4);
}, id);

describe('the VM\'s screen in noVNC', () => {
  let nubed;
  let browser;
  let page;
  let id;
  const { step, dump } = failureLog();

  const shell = async (command, answer) => {
    await page.locator('[data-testid="serial-terminal"]').click();
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    if (answer) {
      await page.waitForFunction((want) => document.querySelector('.xterm-rows')?.textContent.includes(want), answer, { timeout: 30_000 });
    }
  };

  before(async () => {
    nubed = await startNubed();
    browser = await launchBrowser();
    // The kernel's messages and text console on the screen too (the last console is the shell's).
    const vm = await nubed.api('POST', '/api/v1/vms', guestSettings('screen', {
      boot: { ...guestSettings('x').boot, commandLine: 'console=tty0 console=ttyS0' },
    }));
    id = vm.summary.id;
    await nubed.api('POST', `/api/v1/vms/${id}/start?wait=60`);
    await waitForSerial(nubed, id, 'NUBE-GUEST-READY', 150_000);
    ({ page } = await signedInPage(browser, nubed, { path: `/vms/${id}/console` }));
  });

  after(async () => {
    await browser?.close();
    dump(nubed);
    await nubed?.stop();
  });

  test('the screen connects and shows what QEMU shows', STEP, step(async () => {
    const problems = watchPage(page);
    await page.locator('section.screen').getByText('Connected').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('button', { name: 'Ctrl+Alt+Del' }).isEnabled(), true);
    await page.locator('[data-testid="serial-terminal"]').click();
    await page.keyboard.press('Enter');
    await page.waitForFunction((p) => document.querySelector('.xterm-rows')?.textContent.includes(p), PROMPT, { timeout: 30_000 });

    // Blank the text console, then fill it with the guest's text.
    await shell("printf '\\033[2J\\033[H' > /dev/tty0; echo cleared-$((40+2))", 'cleared-42');
    await page.waitForTimeout(1500); // a frame or two of RFB updates
    const blank = await litShare(page);
    await shell("for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo 'NUBE SCREEN TEST NUBE SCREEN TEST NUBE SCREEN TEST' > /dev/tty0; done; echo filled-$((40+3))", 'filled-43');
    await page.waitForTimeout(1500);
    const filled = await litShare(page);
    assert.ok(filled > blank * 3 && filled > 0.01, `lit share went from ${blank} to ${filled}`);
    const difference = await differenceFromScreenshot(page, id);
    assert.equal(typeof difference, 'number', difference);
    assert.ok(difference < 0.01, `${(difference * 100).toFixed(2)} % of the pixels differ from QEMU's screenshot`);
    await keepScreenshot(page, 'console-screen');
    assert.deepEqual(problems, []);
  }));

  test('"Type clipboard text" types into the guest\'s keyboard', STEP, step(async () => {
    // The shell on the screen's terminal (tty1) runs what is typed: a command of unshifted
    // characters only, so that it means the same whatever the guest's keyboard layout.
    await page.getByLabel('Type clipboard text').fill('touch /tmp/typed-via-novnc-4711\n');
    await page.getByRole('button', { name: 'Type it' }).click();
    await shell('sleep 2; ls /tmp; echo done-$((40+5))', 'done-45');
    assert.match(await page.locator('.xterm-rows').textContent(), /typed-via-novnc-4711/);
  }));
});
