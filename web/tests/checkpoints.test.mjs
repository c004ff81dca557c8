// The VM page's Checkpoints panel against a real nubed and the test guest running with a data
// disk: standard checkpoints taken from the console with their jobs' progress to the end, the
// tree drawn with "Now" under the current checkpoint, apply disabled with the host's reason while
// the VM runs and allowed once it is off (the actions follow the state's events, no reload), a
// standard checkpoint applied running the VM on from its memory with its disk as it was (data
// written after the checkpoint is gone), rename, and remove (a merge job while the VM runs).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keepScreenshot, markPage, stillMarked, watchPage } from './support/browser.mjs';
import { guestSettings } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 90_000 };
const JOB = { timeout: 60_000 };

describe('the Checkpoints panel with a real nubed and a running guest', () => {
  const suite = nubedAndBrowser();
  let page;
  let problems;
  let vmId;

  const panel = () => page.getByRole('region', { name: 'Checkpoints' });
  const status = () => panel().locator('.checkpoints-status');
  const item = (name) => panel().locator(`li[data-checkpoint="${name}"]`);
  /** The tree as text rows: each checkpoint's name, or Now, indented two spaces per level. */
  const rows = () => panel().locator('.checkpoint-tree').first().evaluate((root) => {
    const out = [];
    const walk = (ul, depth) => {
      for (const li of ul.children) {
        out.push(`${'  '.repeat(depth)}${li.dataset.checkpoint === 'now' ? 'Now' : li.dataset.checkpoint}`);
        const sub = li.querySelector(':scope > ul');
        if (sub) walk(sub, depth + 1);
      }
    };
    walk(root, 0);
    return out;
  });
  const tree = () => suite.nubed.api('GET', `/api/v1/vms/${vmId}/checkpoints`);
  const diskPath = async () => (await suite.nubed.api('GET', `/api/v1/vms/${vmId}/drives`)).find((d) => d.at === 'scsi0:0').path;
  /** qemu-io on a disk image (-U: the running VM holds it); true when the command's check passed. */
  function qemuIo(image, command, readOnly) {
    const r = spawnSync('qemu-io', [...(readOnly ? ['-r', '-U'] : []), '-f', 'qcow2', '-c', command, image], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) throw r.error; // qemu-io missing: a failure, never a skip
    return r.status === 0 && !/fail/i.test(r.stdout + r.stderr);
  }
  /** Notes whether the panel's status ever shows a progress bar (a job under way) from now on. */
  const watchProgress = () => page.evaluate(() => {
    window.sawProgress = false;
    const status = document.querySelector('.checkpoints-status');
    new MutationObserver(() => { window.sawProgress ||= !!status.querySelector('progress'); })
      .observe(status, { childList: true, subtree: true });
  });
  const sawProgress = () => page.evaluate(() => window.sawProgress);

  async function take(name) {
    const form = page.getByRole('form', { name: 'New checkpoint' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Kind').selectOption('standard');
    await watchProgress();
    await form.getByRole('button', { name: 'Take checkpoint' }).click();
    // The job's progress shows while it runs (a progress bar), then how it ended.
    await status().getByText(new RegExp(`^Checkpoint done: Took standard checkpoint '${name}' \\(`)).waitFor(JOB);
    assert.equal(await sawProgress(), true, 'no progress was shown while the job ran');
    await item(name).waitFor();
  }

  test('the running VM\'s page shows no checkpoints and offers a new one', STEP, suite.step(async () => {
    const { nubed, browser } = suite;
    const disk = join(nubed.root, 'ckpt-data.qcow2');
    await nubed.api('POST', '/api/v1/disks', { path: disk, size: '64MiB', format: 'qcow2' });
    const vm = await nubed.api('POST', '/api/v1/vms', guestSettings('ckpt1', {
      memoryStartupMiB: 256, scsiControllers: [{ disks: [{ location: 0, path: disk }] }],
    }));
    vmId = vm.summary.id;
    await nubed.api('POST', `/api/v1/vms/${vmId}/start?wait=30`);
    ({ page } = await signedInPage(browser, nubed, { path: `/vms/${vmId}` }));
    problems = watchPage(page);
    await page.locator('.page-title [data-state="running"]').waitFor({ timeout: 30_000 });
    await panel().getByText('The VM has no checkpoints.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Take checkpoint' }).isEnabled(), true);
  }));

  test('standard checkpoints taken from the console form a tree with Now under the latest', STEP, suite.step(async () => {
    await take('first');
    await take('second');
    assert.deepEqual(await rows(), ['first', '  second', '    Now']);
    const api = await tree();
    assert.equal(api.checkpoints[0].children[0].id, api.nowParentId);
    assert.equal(api.checkpoints[0].children[0].hasMemory, true);
    // Refused while the VM runs: the button says why, in the words of the VM's state.
    const apply = page.getByRole('button', { name: 'Apply first' });
    assert.equal(await apply.isDisabled(), true);
    assert.equal(await apply.getAttribute('title'), 'The host does not apply a checkpoint while the VM is running.');
    assert.equal(await panel().locator('#checkpoint-reasons').innerText(), 'The host does not apply a checkpoint while the VM is running.');
    await page.locator('#checkpoints-title').evaluate((h) => h.scrollIntoView());
    await keepScreenshot(page, 'checkpoints');
  }));

  test('a checkpoint is renamed, and a bad name gets the host\'s message on its field', STEP, suite.step(async () => {
    await page.getByRole('button', { name: 'Rename second' }).click();
    const field = panel().getByLabel('New name for second');
    await field.fill('');
    await panel().getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('alert').filter({ hasText: 'The host refused to rename second' }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await field.fill('later');
    await panel().getByRole('button', { name: 'Save name' }).click();
    await status().getByText('Renamed second to later.').waitFor();
    await item('later').waitFor();
    assert.deepEqual(await rows(), ['first', '  later', '    Now']);
  }));

  test('turned off, the VM may apply a checkpoint: a standard one runs it on from its memory', STEP, suite.step(async () => {
    await markPage(page);
    await page.getByRole('group', { name: 'Actions for ckpt1' }).getByRole('button', { name: 'Turn off' }).click();
    await page.locator('.page-title [data-state="off"]').waitFor({ timeout: 30_000 });
    // What the VM's disk holds after the checkpoint (written here on the host) is what apply discards.
    const written = await diskPath();
    assert.equal(qemuIo(written, 'write -P 0x5a 0 1M'), true);
    assert.equal(qemuIo(written, 'read -P 0x5a 0 1M', true), true);
    // The state's event brought the new allowed actions: Apply is enabled without a reload.
    const apply = page.getByRole('button', { name: 'Apply first' });
    await page.waitForFunction(() => !document.querySelector('button[aria-label="Apply first"]').disabled, null, { timeout: 10_000 });
    assert.equal(await apply.getAttribute('title') || '', '');
    assert.equal(await panel().locator('#checkpoint-reasons').count(), 0);
    await apply.click();
    await watchProgress();
    await page.getByRole('dialog', { name: 'Apply first?' }).getByRole('button', { name: 'Apply' }).click();
    await status().getByText('Apply checkpoint done: Applied checkpoint \'first\'; the VM runs on from it.').waitFor(JOB);
    assert.equal(await sawProgress(), true, 'no progress was shown while the job ran');
    const applied = await diskPath();
    assert.notEqual(applied, written);
    assert.equal(qemuIo(applied, 'read -P 0 0 1M', true), true, 'the disk did not come back to the checkpoint');
    await page.locator('.page-title [data-state="running"]').waitFor({ timeout: 30_000 });
    assert.equal((await suite.nubed.api('GET', `/api/v1/vms/${vmId}?agentWait=0`)).summary.state, 'running');
    await page.waitForFunction(() => document.querySelectorAll('.checkpoint-tree li[data-checkpoint="now"]').length === 1
      && document.querySelector('li[data-checkpoint="first"] > ul > li[data-checkpoint="now"]'), null, { timeout: 10_000 });
    assert.deepEqual(await rows(), ['first', '  later', '  Now']);
    assert.equal(await stillMarked(page), true, 'the page was reloaded');
  }));

  test('a checkpoint removed while the VM runs is merged as a job', STEP, suite.step(async () => {
    await page.getByRole('button', { name: 'Remove later' }).click();
    await watchProgress();
    await page.getByRole('dialog', { name: 'Remove later?' }).getByRole('button', { name: 'Remove' }).click();
    await status().getByText('Remove checkpoint done: Removed checkpoint \'later\'; its disks were merged.').waitFor(JOB);
    assert.equal(await sawProgress(), true, 'no progress was shown while the job ran');
    await item('later').waitFor({ state: 'detached' });
    assert.deepEqual(await rows(), ['first', '  Now']);
    assert.deepEqual((await tree()).checkpoints.map((c) => [c.name, c.children.length]), [['first', 0]]);
    await page.locator('#checkpoints-title').evaluate((h) => h.scrollIntoView());
    await keepScreenshot(page, 'checkpoints-applied');
  }));

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
