// The audit page against a real nubed: a refused sign-in, root's change on the UNIX socket and a
// signed-in user's start from the VM list all show, newest first, with who made them; the
// filters narrow by user and VM; the host view's recent jobs say who asked for each.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { guestFile } from './support/nubed.mjs';
import { TEST_USER, signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 180_000 };

describe('the audit page', () => {
  const suite = nubedAndBrowser();
  const { step } = suite;

  test('shows each change and refusal with who made it, and filters by user and VM', STEP, step(async () => {
    const { nubed, browser } = suite;
    // Root on the socket makes a VM that idles (its BIOS finds nothing to boot): cheap to start.
    await nubed.api('POST', '/api/v1/vms', {
      name: 'idle', memoryStartupMiB: 64,
      ideDrives: [{ controller: 0, location: 0, media: 'dvd', path: guestFile('data.img') }],
      boot: { kind: 'disk', disk: 'ide0:0' },
    });
    const { page, context } = await signedInPage(browser, nubed, { path: '/vms' });
    const problems = watchPage(page);
    // A wrong password, from outside the page (the page's own would count as a problem of it).
    const refused = await fetch(`${nubed.url}/api/v1/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userName: TEST_USER.name, password: 'not the password' }),
    });
    assert.equal(refused.status, 401);

    await page.getByRole('button', { name: 'Start idle' }).click();
    await page.locator('tr[data-vm="idle"] td[data-state="running"]').waitFor({ timeout: 60_000 });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const rows = page.locator('table.audit-records tbody tr');
    await rows.first().waitFor();
    const texts = async () => (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    const all = await texts();
    // Newest first: the start, the refused sign-in (made after the page's own), root's new VM.
    const at = (pattern) => all.findIndex((t) => pattern.test(t));
    const refusal = at(new RegExp(`${TEST_USER.name} 127\\.0\\.0\\.1 POST /api/v1/session 401 Unauthorized`));
    const start = at(new RegExp(`${TEST_USER.name} 127\\.0\\.0\\.1 POST /api/v1/vms/\\{vm\\}/start idle 202 job `));
    const created = at(/root \(socket\) socket POST \/api\/v1\/vms 201/);
    assert.ok(refusal >= 0 && start >= 0 && created >= 0, `rows: ${all.join('\n')}`);
    assert.ok(start < refusal && refusal < created, `not newest first: ${all.join('\n')}`);

    await page.getByLabel('VM').fill('idle');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('table.audit-records tbody tr')]
      .every((tr) => tr.children[4].textContent === 'idle'));
    assert.ok((await texts()).some((t) => t.includes(`${TEST_USER.name} 127.0.0.1 POST`)));

    await page.getByLabel('VM').fill('');
    await page.getByLabel('User').fill('root');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('table.audit-records tbody tr')]
      .every((tr) => tr.children[1].textContent === 'root (socket)'));

    // The host view's recent jobs: the start, asked for by the user.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Host' }).click();
    await page.locator('table.jobs td.job-by').getByText(TEST_USER.name).first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  }));
});
