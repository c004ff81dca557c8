// The API reference page: nubed's OpenAPI document, read with the console's session, as the
// operations of each tag with their parameters and answers, under the Content-Security-Policy.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PHONE, keepScreenshot, watchPage } from './support/browser.mjs';
import { signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 120_000 };

describe('the API reference page', () => {
  const suite = nubedAndBrowser();
  const { step } = suite;

  test('opens from the main navigation and lists the operations with their parameters', STEP, step(async () => {
    const { context, page } = await signedInPage(suite.browser, suite.nubed);
    const problems = watchPage(page);
    const loaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/openapi.json'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API reference' }).click();
    assert.equal((await loaded).status(), 200);
    await page.getByRole('heading', { name: 'API reference' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/api-reference');

    const vms = page.getByRole('region', { name: 'VMs' });
    const start = vms.locator('details', { hasText: 'Start a VM' });
    await start.locator('summary').click();
    assert.match(await start.locator('summary').innerText(), /POST\s+\/api\/v1\/vms\/\{vm\}\/start\s+Start a VM/);
    const parameters = start.getByRole('table', { name: 'Parameters' });
    for (const name of ['vm', 'wait', 'agentWait']) await parameters.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }).waitFor();
    const answers = start.getByRole('table', { name: 'Answers' });
    await answers.getByRole('row', { name: /^202 .*JobInfo/ }).waitFor();
    await start.scrollIntoViewIfNeeded();
    await keepScreenshot(page, 'api-reference');
    // Stop has no agentWait: each operation its own route with its own parameters.
    const stop = vms.locator('details', { hasText: 'Stop a VM' });
    await stop.locator('summary').click();
    assert.equal(await stop.getByRole('table', { name: 'Parameters' }).getByRole('rowheader', { name: /^agentWait/ }).count(), 0);

    // A schema link opens the schema.
    await answers.getByRole('link', { name: 'JobInfo' }).first().click();
    await page.locator('#schema-JobInfo').getByRole('rowheader', { name: /^vmName/ }).waitFor();

    // The filter narrows the list.
    await page.getByLabel('Filter operations').fill('turn-off');
    await vms.getByText('Turn a VM off').waitFor();
    assert.equal(await page.getByText('Start a VM').count(), 0);
    assert.equal(await page.getByRole('region', { name: 'Users' }).count(), 0);

    assert.deepEqual(problems, []);
    await context.close();
  }));

  test('readable at a phone\'s width, an operation open', STEP, step(async () => {
    const { context, page } = await signedInPage(suite.browser, suite.nubed, { viewport: PHONE, path: '/api-reference' });
    const start = page.getByRole('region', { name: 'VMs' }).locator('details', { hasText: 'Start a VM' });
    await start.locator('summary').click();
    await start.getByRole('table', { name: 'Answers' }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the API reference is ${width} px wide at a ${PHONE.width} px screen`);
    await context.close();
  }));

  test('the document itself is behind the sign-in, as the rest of the API', STEP, step(async () => {
    const r = await fetch(`${suite.nubed.url}/api/v1/openapi.json`);
    assert.equal(r.status, 401);
    const signedIn = await fetch(`${suite.nubed.url}/api/v1/openapi.json`, { headers: { Authorization: `Bearer ${suite.nubed.token}` } });
    assert.equal(signedIn.status, 200);
    const doc = await signedIn.json();
    assert.equal(doc.info.title, 'Nube API');
    assert.equal(doc.paths['/api/v1/vms/{vm}/start'].post.operationId, 'StartVm');
  }));
});
