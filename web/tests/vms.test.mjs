// The console against a real nubed and real guests: the wizard with a validation error shown on
// its field and fixed, a start watched live (in a second browser too) without reloading, a
// command typed into the serial console and its answer read back, its resource use, a stop, and bulk actions.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keepScreenshot, launchBrowser, markPage, stillMarked, watchPage } from './support/browser.mjs';
import { failureLog, guestFile, startNubed, waitForSerial } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';

const STEP = { timeout: 180_000 };
const BOOT_MS = 150_000; // the test guest under TCG on a busy 2-core machine
const PROMPT = 'nube-guest:/#';
const terminalShows = (page, text, timeout) => page.waitForFunction(
  (want) => document.querySelector('.xterm-rows')?.textContent.includes(want), text, { timeout });

/** A VM that starts in a moment and idles (its BIOS finds nothing to boot on the DVD): cheap to run. */
const idleVm = (name) => ({
  name, memoryStartupMiB: 64,
  ideDrives: [{ controller: 0, location: 0, media: 'dvd', path: guestFile('data.img') }],
  boot: { kind: 'disk', disk: 'ide0:0' },
});

describe('the web console with a real nubed and guests', () => {
  let nubed;
  let browser;
  let first; // { context, page }
  let second;
  let problems;
  let vmId;
  const { step, dump } = failureLog();

  const row = (page, name) => page.locator(`tr[data-vm="${name}"]`);
  const stateOf = (page, name) => row(page, name).locator('td[data-state]');

  before(async () => {
    nubed = await startNubed();
    browser = await launchBrowser();
    first = await signedInPage(browser, nubed);
    problems = watchPage(first.page);
    second = await signedInPage(browser, nubed, { path: '/vms' });
  });

  after(async () => {
    await browser?.close();
    dump(nubed);
    await nubed?.stop();
  });

  test('the host view shows the edition, the accelerator and QEMU', STEP, step(async () => {
    const { page } = first;
    await page.getByRole('heading', { level: 1, name: /^Host/ }).waitFor();
    const main = page.locator('main');
    await assert.doesNotReject(main.getByText('Nube (QEMU limits)').waitFor());
    assert.match(await main.innerText(), /Accelerator\s+tcg|Accelerator\s+kvm/);
    assert.match(await main.innerText(), /QEMU\s+\d+\.\d+/);
  }));

  test('the wizard shows the host\'s validation message on its field, then creates the VM', STEP, step(async () => {
    const { page } = first;
    await page.getByRole('link', { name: 'New VM' }).first().click();
    await page.getByRole('heading', { name: 'New virtual machine' }).waitFor();
    const cpus = page.getByLabel('Virtual processors');
    // The edition's limit is shown before the user reaches it.
    assert.equal(await cpus.getAttribute('max'), '255');
    assert.match(await page.locator('#f-processorCount-hint').innerText(), /1 to 255 per VM \(edition nube\)/);

    await page.getByLabel('Name').fill('web1');
    await cpus.fill('300');
    await page.getByLabel('Kernel', { exact: true }).fill(guestFile('vmlinux'));
    await page.getByLabel('Initial ramdisk (optional)').fill(guestFile('initrd.img'));
    await page.getByRole('button', { name: 'Create VM' }).click();

    const message = "processorCount: 300 exceeds the limit of 255 vCPUs per VM of edition 'nube'";
    await page.locator('#f-processorCount-error').getByText(message).waitFor();
    assert.equal(await cpus.getAttribute('aria-invalid'), 'true');
    assert.match(await cpus.getAttribute('aria-describedby'), /f-processorCount-error/);
    assert.match(await page.getByRole('alert').innerText(), /The host refused these settings/);
    await keepScreenshot(page, 'wizard-error');

    await cpus.fill('1');
    await page.getByRole('button', { name: 'Create VM' }).click();
    await page.waitForURL('**/vms');
    await stateOf(page, 'web1').waitFor();
    assert.equal(await stateOf(page, 'web1').getAttribute('data-state'), 'off');
    const [vm] = (await nubed.api('GET', '/api/v1/vms')).filter((v) => v.name === 'web1');
    assert.equal(vm.processorCount, 1);
    vmId = vm.id;
  }));

  test('a start shows live, with its job, in both browsers, without reloading', STEP, step(async () => {
    const { page } = first;
    await markPage(page);
    await markPage(second.page);
    // The second browser learnt of the new VM from the event stream alone.
    await stateOf(second.page, 'web1').waitFor();

    await page.getByRole('button', { name: 'Start web1' }).click();
    await page.locator('tr[data-vm="web1"] td[data-state="running"]').waitFor({ timeout: 60_000 });
    await second.page.locator('tr[data-vm="web1"] td[data-state="running"]').waitFor({ timeout: 60_000 });
    await row(page, 'web1').getByText('Start done').waitFor({ timeout: 60_000 });
    assert.equal(await stillMarked(page), true, 'the first page was reloaded');
    assert.equal(await stillMarked(second.page), true, 'the second page was reloaded');
    await keepScreenshot(page, 'vm-list');
  }));

  test('a command typed into the serial console (xterm.js) is answered by the guest', STEP, step(async () => {
    const { page } = first;
    await waitForSerial(nubed, vmId, 'NUBE-GUEST-READY', BOOT_MS);
    await page.getByRole('link', { name: 'Connect to web1' }).click();
    await page.waitForURL(`**/vms/${vmId}/console`);
    const serial = page.locator('section.serial');
    await serial.getByText('Connected').waitFor({ timeout: 30_000 });

    const n = 1000 + Math.floor(Math.random() * 8000);
    await page.locator('[data-testid="serial-terminal"]').click();
    // The guest's shell starts on COM1 at the first key (busybox's askfirst), then shows its prompt.
    await page.keyboard.press('Enter');
    await terminalShows(page, PROMPT, 30_000);
    // The answer (nube-<sum>) does not appear in the command line the terminal echoes.
    await page.keyboard.type(`echo nube-$((${n}+1))`);
    await page.keyboard.press('Enter');
    await terminalShows(page, `nube-${n + 1}`, 30_000);
    await keepScreenshot(page, 'console');
  }));

  test('the VM page shows its resource use, with totals and charts from the host\'s samples', STEP, step(async () => {
    const { page } = first;
    await page.locator('.page-title').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Resource use' }).waitFor();
    const totals = page.locator('[data-testid="resource-totals"]');
    await totals.getByText('Processor time').waitFor({ timeout: 30_000 });
    assert.match(await totals.innerText(), /Memory in use\s+\d[\d.]* MiB on the host/);
    // Four charts; their lines need two samplings (5 s apart) before the first point.
    await page.waitForFunction(() => document.querySelectorAll('.meter-chart canvas').length === 4, null, { timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector('.meter-chart')?.dataset.points) >= 1, null, { timeout: 30_000 });
    await keepScreenshot(page, 'resource-use');
    await page.locator('.page-title').getByRole('link', { name: 'Connect' }).click();
    await page.waitForURL(`**/vms/${vmId}/console`);
  }));

  test('a stop from the console page ends with the VM off, seen in the other browser', STEP, step(async () => {
    const { page } = first;
    await page.locator('.action-bar').getByRole('button', { name: 'Stop' }).click();
    await page.locator('.page-title [data-state="off"]').waitFor({ timeout: 120_000 });
    await second.page.locator('tr[data-vm="web1"] td[data-state="off"]').waitFor({ timeout: 30_000 });
    assert.equal(await stillMarked(second.page), true);
  }));

  test('the settings page switches an integration service and edits settings, with the host\'s messages', STEP, step(async () => {
    const { page } = first;
    await page.locator('.page-title').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'web1' }).waitFor();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();

    await page.getByRole('button', { name: 'Time synchronization: enabled, disable it' }).click();
    await page.getByRole('button', { name: 'Time synchronization: disabled, enable it' }).waitFor();
    const services = await nubed.api('GET', `/api/v1/vms/${vmId}/integration-services`);
    assert.equal(services.find((s) => s.service === 'time-sync').enabled, false);

    const memory = page.getByLabel('Startup memory (MiB)');
    await memory.fill('33');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#f-memoryStartupMiB-error').getByText('memoryStartupMiB: 33 is not a multiple of 2 MiB').waitFor();
    await memory.fill('256');
    await page.getByLabel('Relative weight').fill('10001');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#f-cpuWeight-error').getByText('cpuWeight: 10001 is outside the range 1 to 10000').waitFor();
    await page.getByLabel('Relative weight').fill('300');
    await page.getByLabel('Processor limit (%)').fill('50');
    await page.getByLabel('Notes').fill('web tier');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    const details = await nubed.api('GET', `/api/v1/vms/${vmId}`);
    assert.equal(details.settings.memoryStartupMiB, 256);
    assert.equal(details.settings.notes, 'web tier');
    assert.equal(details.settings.cpuWeight, 300);
    assert.equal(details.settings.cpuLimit, 50);
    assert.equal(details.settings.integrationServices.enabled.includes('time-sync'), false);
  }));

  test('bulk actions start, turn off and remove the selected VMs', STEP, step(async () => {
    const { page } = first;
    await page.getByRole('link', { name: 'Virtual machines' }).click();
    const names = ['bulk-a', 'bulk-b', 'bulk-c'];
    for (const name of names) await nubed.api('POST', '/api/v1/vms', idleVm(name));
    for (const name of names) await page.getByLabel(`Select ${name}`).check();
    const bar = page.getByRole('toolbar', { name: 'Actions for the selected VMs' });
    await bar.getByText('3 selected').waitFor();

    await bar.getByRole('button', { name: 'Start' }).click();
    for (const name of names) await page.locator(`tr[data-vm="${name}"] td[data-state="running"]`).waitFor({ timeout: 60_000 });
    assert.equal(await stateOf(page, 'web1').getAttribute('data-state'), 'off', 'a VM that was not selected was started');

    await bar.getByRole('button', { name: 'Turn off' }).click();
    for (const name of names) await page.locator(`tr[data-vm="${name}"] td[data-state="off"]`).waitFor({ timeout: 60_000 });

    await bar.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove 3 VMs?' });
    assert.match(await dialog.innerText(), /Disks are kept/);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    for (const name of names) await row(page, name).waitFor({ state: 'detached' });
    assert.deepEqual((await nubed.api('GET', '/api/v1/vms')).map((v) => v.name), ['web1']);

    // The host view lists the jobs of this file's tests, newest first.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Host' }).click();
    await page.locator('table.jobs').getByText('Turn off done').first().waitFor();
    await keepScreenshot(page, 'host-view');
  }));

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
