// The VM page's Drives panel against a real nubed and the test guest running: a disk file made
// from the console (a missing size first shown on its field), hot added to the running VM and
// seen in the drives table, removed again with its file kept, a DVD's disc inserted and ejected,
// and an IDE disk added while the VM runs refused in the host's words.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keepScreenshot, watchPage } from './support/browser.mjs';
import { guestFile, guestSettings } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 60_000 };

describe('the Drives panel with a real nubed and a running guest', () => {
  const suite = nubedAndBrowser();
  let page;
  let problems;
  let vmId;
  let disk;

  const drivesTable = () => page.locator('table.drives');
  const driveRow = (id) => page.locator(`table.drives tr[data-drive="${id}"]`);
  const form = (name) => page.getByRole('form', { name });
  const listDrives = () => suite.nubed.api('GET', `/api/v1/vms/${vmId}/drives`);

  test('the running VM\'s page lists its drives', STEP, suite.step(async () => {
    const { nubed, browser } = suite;
    // An empty IDE DVD drive and a SCSI controller without disks: the places the tests fill.
    const vm = await nubed.api('POST', '/api/v1/vms', guestSettings('drives1', {
      memoryStartupMiB: 256,
      ideDrives: [{ controller: 1, location: 0, media: 'dvd' }],
      scsiControllers: [{ disks: [] }],
    }));
    vmId = vm.summary.id;
    await nubed.api('POST', `/api/v1/vms/${vmId}/start?wait=30`);
    disk = join(nubed.root, 'data1.vhdx');
    ({ page } = await signedInPage(browser, nubed, { path: `/vms/${vmId}` }));
    problems = watchPage(page);
    await page.locator('.page-title [data-state="running"]').waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Drives', exact: true }).waitFor();
    const [dvd] = await listDrives();
    assert.equal(dvd.at, 'ide1:0');
    assert.match(await driveRow(dvd.id).innerText(), /ide1:0\s+DVD\s+No disc/);
  }));

  test('a disk file made from the console is hot added and shown, then removed with its file kept', STEP, suite.step(async () => {
    const newDisk = form('New disk file');
    await newDisk.getByLabel('New file').fill(disk);
    // Without a size the host's message lands on the size field.
    await newDisk.getByRole('button', { name: 'Make disk file' }).click();
    await page.getByRole('alert').filter({ hasText: 'The host refused to make the disk file' }).waitFor();
    const size = newDisk.getByLabel('Size', { exact: true });
    assert.equal(await size.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#disk-size-error').innerText(), /^size: /);
    await size.fill('64MiB');
    await newDisk.getByLabel('Format').selectOption('vhdx');
    await newDisk.getByRole('button', { name: 'Make disk file' }).click();
    await page.getByRole('status').getByText(`Made ${disk}: vhdx, 64 MiB.`).waitFor();
    const made = await suite.nubed.api('GET', `/api/v1/disks?path=${encodeURIComponent(disk)}`);
    assert.equal(made.format, 'vhdx');
    assert.equal(made.virtualSize, 64 * 2 ** 20);

    // The made file is already in the add form; no place: the first free one on SCSI controller 0.
    assert.equal(await form('Add a drive').getByLabel('Image file').inputValue(), disk);
    await form('Add a drive').getByRole('button', { name: 'Add drive' }).click();
    await drivesTable().getByText(disk).waitFor({ timeout: 45_000 });
    await page.getByRole('status').getByText('Added the drive.').waitFor();
    const added = (await listDrives()).find((d) => d.path === disk);
    assert.equal(added.at, 'scsi0:0');
    assert.equal(added.media, 'hardDisk');
    assert.match(await driveRow(added.id).innerText(), /scsi0:0\s+Hard disk/);
    const jobs = await suite.nubed.api('GET', '/api/v1/jobs');
    assert.ok(jobs.some((j) => j.vmId === vmId && j.kind === 'change-devices' && j.state === 'completed'), 'no hot add job ran');
    await page.locator('#drives-title').evaluate((h) => h.scrollIntoView());
    await keepScreenshot(page, 'drives');

    await page.getByRole('button', { name: `Remove ${added.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${added.id}?` });
    assert.equal(await dialog.locator('p').innerText(), `The disk at scsi0:0 leaves the VM. Its file stays on the host: ${disk}.`);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await driveRow(added.id).waitFor({ state: 'detached', timeout: 45_000 });
    await page.getByRole('status').getByText(`Removed ${added.id}; its file stays.`).waitFor();
    assert.equal((await listDrives()).some((d) => d.path === disk), false);
    assert.equal(existsSync(disk), true, 'the disk file was deleted');
  }));

  test('a disc goes into the running VM\'s DVD drive and out again', STEP, suite.step(async () => {
    const iso = guestFile('data.img');
    const [dvd] = await listDrives();
    await form('Insert a disc').getByLabel('ISO image').fill(iso);
    await form('Insert a disc').getByRole('button', { name: 'Insert disc' }).click();
    await driveRow(dvd.id).getByText(iso).waitFor({ timeout: 45_000 });
    assert.equal((await listDrives()).find((d) => d.id === dvd.id).path, iso);

    await page.getByRole('button', { name: `Eject the disc of ${dvd.id}` }).click();
    await driveRow(dvd.id).getByText('No disc').waitFor({ timeout: 45_000 });
    assert.equal((await listDrives()).find((d) => d.id === dvd.id).path ?? null, null);
  }));

  test('an IDE disk added while the VM runs shows the host\'s refusal', STEP, suite.step(async () => {
    const add = form('Add a drive');
    await add.getByLabel('Place (optional)').fill('ide0:1');
    await add.getByLabel('Image file').fill(disk);
    await add.getByRole('button', { name: 'Add drive' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'The host refused to add the drive' });
    await summary.waitFor({ timeout: 30_000 });
    assert.match(await summary.innerText(), /cannot add IDE hard disk \S+ at ide0:1 while the VM is running/);
    assert.equal((await listDrives()).some((d) => d.at === 'ide0:1'), false);
    await page.locator('#drives-title').evaluate((h) => h.scrollIntoView());
    await keepScreenshot(page, 'drives-refused');
  }));

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
