// Signing in through the page, against the sessions of the shared API contract (POST, GET and
// DELETE /api/v1/session, the nube_session cookie, __Host-nube_session over TLS, X-Nube-Csrf).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, watchPage } from './support/browser.mjs';
import { failureLog, guestSettings, startNubed } from './support/nubed.mjs';
import { TEST_USER, clickToSignInPage, ensureUser, signInThroughPage } from './support/signin.mjs';

const STEP = { timeout: 120_000 };
const MAX_ATTEMPTS = 40; // the rate limit must come before this many wrong passwords

describe('signing in to the web console', () => {
  let nubed;
  let browser;
  const { step, dump } = failureLog();

  before(async () => {
    nubed = await startNubed();
    browser = await launchBrowser();
    await ensureUser(nubed);
  });

  after(async () => {
    await browser?.close();
    dump(nubed);
    await nubed?.stop();
  });

  test('the right password signs in; the session cookie is HttpOnly and strict; state changes carry the CSRF token',
    STEP, step(async () => {
      const context = await browser.newContext({ baseURL: nubed.url });
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto('/vms');
      await signInThroughPage(page, TEST_USER.name, TEST_USER.password);
      await page.locator('header .user').getByText(TEST_USER.name).waitFor();
      const cookie = (await context.cookies()).find((c) => c.name === 'nube_session');
      assert.ok(cookie, 'no nube_session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');

      // A state change through the page: without the CSRF header the host would answer 403.
      const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/vms'));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New VM' }).click();
      await page.getByLabel('Name').fill('csrf-check');
      await page.getByLabel('Kernel', { exact: true }).fill(guestSettings('x').boot.kernel);
      await page.getByRole('button', { name: 'Create VM' }).click();
      const request = await posted;
      assert.ok(request.headers()['x-nube-csrf'], 'the POST carried no X-Nube-Csrf header');
      await page.locator('tr[data-vm="csrf-check"]').waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    }));

  test('over TLS the session cookie is __Host-nube_session (Secure, Path=/, no Domain) and the browser keeps it', STEP, step(async () => {
    const secure = await startNubed({ tls: true });
    try {
      await ensureUser(secure);
      const context = await browser.newContext({ baseURL: secure.url, ignoreHTTPSErrors: true });
      const page = await context.newPage();
      await page.goto('/');
      await signInThroughPage(page, TEST_USER.name, TEST_USER.password);
      await page.locator('header .user').getByText(TEST_USER.name).waitFor();
      const cookies = await context.cookies();
      const cookie = cookies.find((c) => c.name === '__Host-nube_session');
      assert.ok(cookie, `no __Host-nube_session cookie among ${cookies.map((c) => c.name).join(', ')}`);
      assert.deepEqual([cookie.secure, cookie.httpOnly, cookie.sameSite, cookie.path, cookie.domain], [true, true, 'Strict', '/', '127.0.0.1']);
      // The browser sends it back: a reload is still signed in.
      await page.reload();
      await page.locator('header .user').getByText(TEST_USER.name).waitFor();
      await context.close();
    } catch (e) {
      console.log(secure.log);
      throw e;
    } finally {
      await secure.stop();
    }
  }));

  test('a user removed mid-session is sent back to the sign-in page', STEP, step(async () => {
    await nubed.api('POST', '/api/v1/users', { name: 'temporary', password: 'a long enough password 1' });
    const context = await browser.newContext({ baseURL: nubed.url });
    const page = await context.newPage();
    await page.goto('/');
    await signInThroughPage(page, 'temporary', 'a long enough password 1');
    await page.locator('header .user').getByText('temporary').waitFor();
    await nubed.api('DELETE', '/api/v1/users/temporary');
    await clickToSignInPage(page, 'Virtual machines');
    assert.match(await page.locator('main').innerText(), /Your session has ended/);
    await context.close();
  }));

  test('a wrong password is refused with the host\'s message', STEP, step(async () => {
    const context = await browser.newContext({ baseURL: nubed.url });
    const page = await context.newPage();
    await page.goto('/');
    await signInThroughPage(page, TEST_USER.name, 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // The same words the API gives (one message for a wrong name and a wrong password).
    const answer = await fetch(`${nubed.url}/api/v1/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userName: 'nobody-here', password: 'not the password' }),
    });
    assert.equal(answer.status, 401);
    assert.equal(await alert.innerText(), (await answer.json()).detail);
    assert.equal(await page.getByLabel('Password').isVisible(), true);
    await context.close();
  }));

  test('after too many wrong passwords the page shows the rate limit and when to try again', STEP, step(async () => {
    const context = await browser.newContext({ baseURL: nubed.url });
    const page = await context.newPage();
    await page.goto('/');
    const limited = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.status() === 429, { timeout: 90_000 });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
      await signInThroughPage(page, TEST_USER.name, `wrong ${i}`);
      if ((await answered).status() === 429) break;
    }
    const response = await limited;
    const alert = page.getByRole('alert');
    const retryAfter = response.headers()['retry-after'];
    assert.ok(retryAfter, '429 without Retry-After');
    await alert.getByText(`Try again in ${retryAfter} s.`).waitFor();
    await context.close();
  }));
});
