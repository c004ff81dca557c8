// The one way the browser tests get a signed-in console: a user is made over the UNIX socket and
// signs in through the sign-in page, as a person would. signin.test.mjs tests that page itself.

import { DESKTOP } from './browser.mjs';

export const TEST_USER = { name: 'operator', password: 'correct horse battery staple' };

/** A new browser context (its own cookies) signed in to `nubed`, and a page on the console's start. */
export async function signedInPage(browser, nubed, { viewport = DESKTOP, path = '/' } = {}) {
  await ensureUser(nubed);
  const context = await browser.newContext({ baseURL: nubed.url, viewport });
  const page = await context.newPage();
  await page.goto(path);
  await signInThroughPage(page, TEST_USER.name, TEST_USER.password);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { context, page };
}

/** Fills and sends the sign-in form. */
export async function signInThroughPage(page, userName, password) {
  await page.getByLabel('User name').fill(userName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const made = new WeakSet();
/** The test user, made once per nubed over the UNIX socket (POST /api/v1/users). */
export async function ensureUser(nubed) {
  if (made.has(nubed)) return;
  await nubed.api('POST', '/api/v1/users', { name: TEST_USER.name, password: TEST_USER.password });
  made.add(nubed);
}

/**
 * Clicks the main navigation's `linkName` once the credentials are gone and waits for the sign-in
 * page. The page may get there first by itself (its own request or its event stream met the 401),
 * taking the link away before the click lands: both ways are right.
 */
export async function clickToSignInPage(page, linkName) {
  const signIn = page.getByRole('button', { name: 'Sign in' });
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: linkName });
  await Promise.any([signIn.waitFor(), link.click({ timeout: 10_000 }).then(() => signIn.waitFor())]);
}
