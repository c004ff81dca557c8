// How nubed serves the console (TCP only, path routing, caching, the Content-Security-Policy, the
// host's webConsole switch, a missing build), and the console's keyboard use, phone width and
// return to the sign-in page when the API answers 401.

import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, PHONE, keepScreenshot, launchBrowser, watchPage } from './support/browser.mjs';
import { NUBED_DLL, failureLog, guestSettings, startNubed } from './support/nubed.mjs';
import { clickToSignInPage, signedInPage } from './support/signin.mjs';

const STEP = { timeout: 120_000 };

describe('nubed serving the web console', () => {
  let nubed;
  let browser;
  const { step, dump } = failureLog();
  const bearer = () => ({ Authorization: `Bearer ${nubed.token}` });

  before(async () => {
    nubed = await startNubed();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    dump(nubed);
    await nubed?.stop();
  });

  test('every console path gets index.html, with the Content-Security-Policy and no caching', STEP, step(async () => {
    for (const path of ['/', '/vms', '/vms/new', '/vms/3f0c6d1e-0000-4000-8000-000000000000/console']) {
      const r = await fetch(nubed.url + path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type'), /^text\/html/);
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      const csp = r.headers.get('content-security-policy');
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self';/);
      assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${new URL(nubed.url).port}`));
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(await r.text(), /<div id="app"><\/div>/);
    }
  }));

  test('hashed assets are cached for a year; a missing file is a 404, not the page', STEP, step(async () => {
    const html = await (await fetch(nubed.url)).text();
    const script = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)[1];
    const r = await fetch(nubed.url + script);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /javascript/);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const missing = await fetch(`${nubed.url}/assets/none-12345678.js`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'The web console has no file /assets/none-12345678.js.\n');
    assert.equal((await fetch(`${nubed.url}/vms`, { method: 'POST' })).status, 405);
  }));

  test('the UNIX socket serves the API only', STEP, step(async () => {
    const page = await nubed.request('GET', '/');
    assert.equal(page.status, 404);
    assert.equal(page.body, "nubed's UNIX socket serves only the API under /api/; the web console is on the TCP listener.\n");
    assert.equal((await nubed.request('GET', '/api/v1/host')).status, 200);
  }));

  test('turned off, the console answers 404 with why, live, and the API stays', STEP, step(async () => {
    await nubed.api('PATCH', '/api/v1/host', { webConsole: false });
    const off = await fetch(`${nubed.url}/vms`);
    assert.equal(off.status, 404);
    assert.equal(await off.text(),
      'The web console is turned off on this host (host setting webConsole); the API under /api/ stays available.\n');
    assert.equal((await fetch(`${nubed.url}/api/v1/host`, { headers: bearer() })).status, 200);
    await nubed.api('PATCH', '/api/v1/host', { webConsole: true });
    assert.equal((await fetch(`${nubed.url}/vms`)).status, 200);
  }));

  test('a nubed without the console\'s files says so (503) and serves the API', STEP, step(async () => {
    // nubed's build output without wwwroot, in a folder of its own.
    const copy = await mkdtemp('/tmp/nube-web-bin-');
    try {
      const from = dirname(NUBED_DLL);
      for (const name of await readdir(from)) if (name !== 'wwwroot') await cp(join(from, name), join(copy, name), { recursive: true });
      const bare = await startNubed({ dll: join(copy, 'nubed.dll') });
      try {
        const r = await fetch(`${bare.url}/`);
        assert.equal(r.status, 503);
        assert.match(await r.text(), /^The web console is not installed: .*wwwroot\/index\.html is missing; build it with web\/build\.sh/);
        assert.equal((await fetch(`${bare.url}/api/v1/host`, { headers: { Authorization: `Bearer ${bare.token}` } })).status, 200);
      } finally {
        await bare.stop();
      }
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }));

  test('the keyboard reaches everything: the skip link first, then the page', STEP, step(async () => {
    const { context, page } = await signedInPage(browser, nubed, { path: '/vms' });
    const problems = watchPage(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    // A focused control shows it (the focus ring is not left to chance).
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'New VM');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New virtual machine' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'focus goes to the new page');
    assert.deepEqual(problems, []);
    await context.close();
  }));

  test('readable at a phone\'s width: nothing wider than the screen', STEP, step(async () => {
    await nubed.api('POST', '/api/v1/vms', guestSettings('phone-check'));
    const { context, page } = await signedInPage(browser, nubed, { viewport: PHONE });
    for (const path of ['/', '/vms', '/vms/new']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: linkFor(path), exact: true }).click();
      await page.locator('main h1').waitFor();
      if (path === '/vms') await page.locator('tr[data-vm="phone-check"]').waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `${path} is ${width} px wide at a ${PHONE.width} px screen`);
      if (path === '/vms') await keepScreenshot(page, 'vm-list-phone');
    }
    await context.close();
  }));

  test('a 401 from the API brings the sign-in page back', STEP, step(async () => {
    const { context, page } = await signedInPage(browser, nubed, { viewport: DESKTOP, path: '/vms' });
    // The credentials are gone (the bearer header, or the session cookie), as when a session ends.
    await context.setExtraHTTPHeaders({});
    await context.clearCookies();
    await clickToSignInPage(page, 'Host');
    assert.match(await page.locator('main').innerText(), /Your session has ended/);
    await context.close();
  }));
});

function linkFor(path) {
  return { '/': 'Host', '/vms': 'Virtual machines', '/vms/new': 'New VM' }[path];
}
