// The Storage page against a real nubed: an ISO image uploaded into the library with its progress
// reaching 100 % (a bad name first refused on its field), listed, offered by a VM's DVD insert,
// kept while the DVD holds it and removed after; a disk file made, converted as a job whose end
// shows, resized, checked, a child of it merged into it as a job, and all removed.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keepScreenshot, watchPage } from './support/browser.mjs';
import { guestSettings } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 60_000 };

describe('the Storage page with a real nubed', () => {
  const suite = nubedAndBrowser();
  let page;
  let problems;

  const form = (name) => page.getByRole('form', { name });
  const status = (section) => page.getByRole('region', { name: section }).getByRole('status').first();
  const diskRow = (path) => page.locator(`table.disk-files tr[data-disk="${path}"]`);

  test('the Storage page is in the main navigation', STEP, suite.step(async () => {
    ({ page } = await signedInPage(suite.browser, suite.nubed));
    problems = watchPage(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Storage' }).click();
    await page.getByRole('heading', { name: 'Storage', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Disk files' }).waitFor();
    await page.getByText('No ISO images yet.').waitFor();
    assert.match(await page.locator('#iso-file-hint').innerText(), /At most 16 GiB/);
  }));

  test('an ISO image is uploaded with its progress and listed; a bad name is refused on its field, a file past the limit is not sent', STEP, suite.step(async () => {
    const { nubed } = suite;
    const file = join(nubed.root, 'installer.iso');
    const bytes = randomBytes(24 << 20);
    await writeFile(file, bytes);
    const upload = form('Upload an ISO image');
    await upload.getByLabel('ISO image').setInputFiles(file);
    assert.equal(await upload.getByLabel('Name in the library').inputValue(), 'installer.iso');

    await upload.getByLabel('Name in the library').fill('../installer.iso');
    await upload.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').filter({ hasText: 'The host refused the upload of ../installer.iso' }).waitFor();
    assert.equal(await upload.getByLabel('Name in the library').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#iso-name-error').innerText(), /^name: '..\/installer.iso' contains a slash/);

    await upload.getByLabel('Name in the library').fill('installer.iso');
    await upload.getByRole('button', { name: 'Upload' }).click();
    const library = join(nubed.dataDir, 'images', 'isos');
    await status('ISO library').getByText(`Uploaded installer.iso (24 MiB) to ${join(library, 'installer.iso')}.`).waitFor({ timeout: 45_000 });
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    assert.equal(await bar.getAttribute('value'), '100');
    assert.match(await page.locator('.upload-progress').innerText(), /100 % \(24 MiB of 24 MiB\)/);
    await page.locator('table.isos tr[data-iso="installer.iso"]').waitFor();
    const [iso] = await nubed.api('GET', '/api/v1/isos');
    assert.equal(iso.size, bytes.length);
    await keepScreenshot(page, 'storage-iso');

    // Past the host's limit, the console shows the limit and does not send the file.
    await nubed.api('PATCH', '/api/v1/host', { isoUploadLimit: '1MiB' });
    await page.reload();
    assert.match(await page.locator('#iso-file-hint').innerText(), /At most 1 MiB/);
    await upload.getByLabel('ISO image').setInputFiles(file);
    await upload.getByLabel('Name in the library').fill('second.iso');
    await upload.getByRole('button', { name: 'Upload' }).click();
    assert.equal(await page.locator('#iso-file-error').innerText(), "installer.iso is 24 MiB, over the host's upload limit of 1 MiB.");
    assert.deepEqual((await nubed.api('GET', '/api/v1/isos')).map((i) => i.name), ['installer.iso']);
    await nubed.api('PATCH', '/api/v1/host', { isoUploadLimit: '16GiB' });
  }));

  test('a VM\'s DVD insert offers the library\'s image, and the library keeps it while the DVD holds it', STEP, suite.step(async () => {
    const { nubed } = suite;
    const iso = join(nubed.dataDir, 'images', 'isos', 'installer.iso');
    const vm = await nubed.api('POST', '/api/v1/vms', guestSettings('storage1', { ideDrives: [{ controller: 1, location: 0, media: 'dvd' }] }));
    await page.goto(`/vms/${vm.summary.id}`);
    const insert = form('Insert a disc');
    await insert.waitFor();
    assert.deepEqual(await page.locator('#dvd-isos option').evaluateAll((os) => os.map((o) => o.value)), [iso]);
    assert.equal(await insert.getByLabel('ISO image').getAttribute('list'), 'dvd-isos');
    await insert.getByLabel('ISO image').fill(iso);
    await insert.getByRole('button', { name: 'Insert disc' }).click();
    await page.locator('table.drives').getByText(iso).waitFor({ timeout: 30_000 });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Storage' }).click();
    await page.getByRole('button', { name: 'Remove installer.iso' }).click();
    await page.getByRole('dialog', { name: 'Delete installer.iso?' }).getByRole('button', { name: 'Delete' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'The host refused to remove installer.iso' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /cannot be removed: it is used by VM 'storage1' \(off\) as ideDrives\[0\]\.path/);
    assert.equal(existsSync(iso), true);

    await nubed.api('DELETE', `/api/v1/vms/${vm.summary.id}`);
    await page.getByRole('button', { name: 'Remove installer.iso' }).click();
    await page.getByRole('dialog', { name: 'Delete installer.iso?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No ISO images yet.').waitFor();
    assert.equal(existsSync(iso), false);
  }));

  test('a disk file is made, converted and merged as jobs whose ends show, resized, checked and removed', STEP, suite.step(async () => {
    const { nubed } = suite;
    const disk = join(nubed.root, 'storage1.qcow2');
    const copy = join(nubed.root, 'storage1.vhdx');
    const newDisk = form('New disk file');
    await newDisk.getByLabel('New file').fill(disk);
    await newDisk.getByLabel('Size', { exact: true }).fill('256MiB');
    await newDisk.getByLabel('Format').selectOption('qcow2');
    await newDisk.getByRole('button', { name: 'Make disk file' }).click();
    await status('Disk files').getByText(`Made ${disk}: qcow2, 256 MiB.`).waitFor();
    assert.match(await diskRow(disk).innerText(), /qcow2\s+256 MiB/);

    await page.getByRole('button', { name: 'Convert storage1.qcow2' }).click();
    const convert = form('Convert a disk file');
    assert.equal(await convert.getByLabel('New file').inputValue(), copy);
    assert.equal(await convert.getByLabel('Format').inputValue(), 'vhdx');
    await convert.getByRole('button', { name: 'Convert' }).click();
    await page.locator('.disk-job .job.completed').waitFor({ timeout: 45_000 });
    assert.match(await page.locator('.disk-job').innerText(), /^Convert disk done/);
    await diskRow(copy).waitFor();
    assert.match(await diskRow(copy).innerText(), /vhdx\s+256 MiB/);
    const jobs = await nubed.api('GET', '/api/v1/jobs');
    assert.ok(jobs.some((j) => j.kind === 'disk-convert' && j.state === 'completed' && j.percent === 100), 'no completed conversion job');
    await keepScreenshot(page, 'storage-disks');

    // Resize and check answer at once; a differencing child merges into the disk as a job.
    await page.getByRole('button', { name: 'Resize storage1.qcow2' }).click();
    await form('Resize a disk file').getByLabel('New size').fill('512MiB');
    await form('Resize a disk file').getByRole('button', { name: 'Resize' }).click();
    await status('Disk files').getByText(`${disk} is now 512 MiB.`).waitFor();
    await page.getByRole('button', { name: 'Check storage1.qcow2' }).click();
    await form('Check a disk file').getByRole('button', { name: 'Check' }).click();
    await status('Disk files').getByText(`${disk} is clean.`).waitFor();

    const child = join(nubed.root, 'storage1-child.qcow2');
    await nubed.api('POST', '/api/v1/disks', { path: child, parent: disk });
    await page.reload();
    assert.match(await diskRow(child).innerText(), new RegExp(`qcow2\\t512 MiB\\t[^\\t]+\\t${disk}\\t`));
    await page.getByRole('button', { name: 'Merge storage1-child.qcow2' }).click();
    await page.getByRole('dialog', { name: `Merge ${child} into its parent?` }).getByRole('button', { name: 'Merge' }).click();
    // The conversion's end is still shown until the merge's job replaces it.
    await page.locator('.disk-job .job.completed').filter({ hasText: /^Merge disk done/ }).waitFor({ timeout: 45_000 });
    assert.ok((await nubed.api('GET', '/api/v1/jobs')).some((j) => j.kind === 'disk-merge' && j.state === 'completed'), 'no completed merge job');

    for (const [file, name] of [[child, 'storage1-child.qcow2'], [copy, 'storage1.vhdx'], [disk, 'storage1.qcow2']]) {
      await page.getByRole('button', { name: `Remove ${name}` }).click();
      await page.getByRole('dialog', { name: `Delete ${file}?` }).getByRole('button', { name: 'Delete' }).click();
      await diskRow(file).waitFor({ state: 'detached' });
      assert.equal(existsSync(file), false);
    }
  }));

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
