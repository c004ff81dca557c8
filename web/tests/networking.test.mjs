// The Networking page against a real nubed: a switch refused on its name field and on an internal
// switch's address, NAT and DHCP, then a private switch made; a running VM's adapter connected to it from the VM's
// settings (a live change), the switch's row listing it; the switch removed with its adapter
// pulled out. A running VM's page shows the addresses its guest reports.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { keepScreenshot, watchPage } from './support/browser.mjs';
import { guestSettings } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 90_000 };

describe('the Networking page with a real nubed', () => {
  const suite = nubedAndBrowser();
  let page;
  let problems;
  let bridge;

  const form = (name) => page.getByRole('form', { name });
  const status = () => page.getByRole('region', { name: 'Virtual switches' }).getByRole('status').first();
  const row = (name) => page.locator(`table.switches tr[data-switch="${name}"]`);

  test('a switch is made on the Networking page; a bad name and a bad address are refused on their fields', STEP, suite.step(async () => {
    ({ page } = await signedInPage(suite.browser, suite.nubed));
    problems = watchPage(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Networking' }).click();
    await page.getByRole('heading', { name: 'Networking', level: 1 }).waitFor();
    await page.getByText('No virtual switches yet.').waitFor();

    const make = form('New virtual switch');
    await make.getByLabel('Name').fill('user');
    await make.getByRole('button', { name: 'Make switch' }).click();
    await page.getByRole('alert').filter({ hasText: 'The host refused to make the switch' }).waitFor();
    assert.equal(await make.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#switch-name-error').innerText(), /^name: 'user' is reserved/);

    // An internal switch's address without its prefix is refused on the addresses' field (none is made:
    // the host's own addresses are the machine's, and this test adds none).
    await make.getByLabel('Name').fill('lab');
    await make.getByLabel('Kind').selectOption('internal');
    await make.getByLabel('Host addresses').fill('10.77.9.1');
    await make.getByRole('button', { name: 'Make switch' }).click();
    await page.locator('#switch-addresses-error').getByText(/^hostAddresses\[0\]: '10\.77\.9\.1' is not an address with its prefix length/).waitFor();
    // NAT and DHCP need an IPv4 address to serve from: with none, each checkbox carries the host's refusal.
    await make.getByLabel('Host addresses').fill('');
    await make.getByLabel('NAT: VMs reach what the host reaches').check();
    await make.getByLabel('DHCP: VMs get addresses from the host').check();
    await make.getByRole('button', { name: 'Make switch' }).click();
    await page.locator('#switch-nat-error').getByText(/^nat: needs an IPv4 host address on the switch/).waitFor();
    await page.locator('#switch-dhcp-error').getByText(/^dhcp: needs an IPv4 host address on the switch/).waitFor();

    // An external switch names a host interface; one that is not there is refused on its field (none is
    // bridged: the machine's interfaces are its own).
    await make.getByLabel('Kind').selectOption('external');
    await make.getByLabel('Host interface').fill('nosuch0');
    await make.getByRole('button', { name: 'Make switch' }).click();
    await page.locator('#switch-interface-error').getByText(/^interface: 'nosuch0' is not an interface of this host/).waitFor();

    await make.getByLabel('Kind').selectOption('private');
    assert.equal(await make.getByLabel('NAT: VMs reach what the host reaches').count(), 0);
    await make.getByRole('button', { name: 'Make switch' }).click();
    await status().getByText(/^Made the private switch lab \(bridge nbr[0-9a-f]{12}\)\.$/).waitFor();
    assert.match(await row('lab').innerText(), /^lab\tprivate\t-\t-\tnbr[0-9a-f]{12}\tReady\tNone\t/);
    [{ bridge }] = await suite.nubed.api('GET', '/api/v1/switches');
    // A private switch gives the host no address on it, not even a link-local one.
    const addresses = JSON.parse(execFileSync('ip', ['-json', 'addr', 'show', 'dev', bridge], { encoding: 'utf8' }))[0].addr_info;
    assert.deepEqual(addresses, []);
  }));

  test('a running VM\'s adapter is connected to the switch from its settings, and the switch lists it', STEP, suite.step(async () => {
    const { nubed } = suite;
    const vm = await nubed.api('POST', '/api/v1/vms', guestSettings('net1', { networkAdapters: [{ kind: 'synthetic' }] }));
    const id = vm.summary.id;
    await nubed.api('POST', `/api/v1/vms/${id}/start?wait=30`);
    await page.goto(`/vms/${id}`);
    const connection = page.getByLabel('Connection');
    await connection.waitFor();
    assert.equal(await connection.inputValue(), 'none');
    await connection.selectOption('switch');
    await page.getByLabel('Switch', { exact: true }).selectOption('lab');
    await page.getByLabel('VLAN ID (optional)').fill('');
    assert.equal(await page.getByLabel('DHCP guard').isChecked(), true);
    // A weight past 100 is refused at its field; 50 is kept.
    const weight = page.getByLabel('Minimum bandwidth weight (optional)');
    await weight.fill('101');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[id$="-minimumBandwidthWeight-error"]').getByText('minimumBandwidthWeight: 101 is outside the range of weights 1 to 100').waitFor();
    await weight.fill('50');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor({ timeout: 30_000 });
    const settings = (await nubed.api('GET', `/api/v1/vms/${id}`)).settings;
    assert.equal(settings.networkAdapters[0].switch, 'lab');
    assert.equal(settings.networkAdapters[0].minimumBandwidthWeight, 50);
    assert.equal((await nubed.api('GET', `/api/v1/vms/${id}`)).summary.state, 'running');

    // While it runs, a second adapter is added on the switch (hot add), in the next slot with its TAP on the bridge, then removed again.
    await page.getByRole('button', { name: 'Add network adapter' }).click();
    assert.equal(await page.getByLabel('Kind').nth(1).inputValue(), 'synthetic');
    await page.getByLabel('Connection').nth(1).selectOption('switch');
    await page.getByLabel('Switch', { exact: true }).nth(1).selectOption('lab');
    // The page said Saved. before: it is the settings that show when this change is done.
    const adapters = async (count) => {
      for (let tries = 0; tries < 60; tries += 1) {
        const list = (await nubed.api('GET', `/api/v1/vms/${id}`)).settings.networkAdapters;
        if (list.length === count) return list;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`the VM never had ${count} adapters`);
    };
    await page.getByRole('button', { name: 'Save changes' }).click();
    const both = await adapters(2);
    assert.deepEqual(both.map((n) => [n.id, n.pciSlot, n.switch]), [['nic0', 8, 'lab'], ['nic1', 9, 'lab']]);
    const added = (await nubed.api('GET', '/api/v1/switches/lab')).adapters.find((a) => a.adapter === 'nic1');
    assert.equal(JSON.parse(execFileSync('ip', ['-json', 'link', 'show', 'dev', added.tap], { encoding: 'utf8' }))[0].master, (await nubed.api('GET', '/api/v1/switches/lab')).bridge);
    await page.getByRole('button', { name: 'Remove network adapter 2' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.deepEqual((await adapters(1)).map((n) => n.id), ['nic0']);
    assert.throws(() => execFileSync('ip', ['link', 'show', 'dev', added.tap], { stdio: 'pipe' }));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Networking' }).click();
    await row('lab').locator('td.adapters').getByText('net1 nic0').waitFor();
    await keepScreenshot(page, 'networking-switches');
    // The adapter's TAP is on the switch's bridge.
    const [port] = (await nubed.api('GET', '/api/v1/switches/lab')).adapters;
    const tap = JSON.parse(execFileSync('ip', ['-json', 'link', 'show', 'dev', port.tap], { encoding: 'utf8' }))[0];
    assert.equal(tap.master, bridge);
    assert.equal((await nubed.api('GET', `/api/v1/vms/${id}`)).summary.state, 'running');
  }));

  test('the switch is removed with its adapter pulled out, and its bridge goes', STEP, suite.step(async () => {
    const { nubed } = suite;
    await page.getByRole('button', { name: 'Remove lab' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove lab?' });
    assert.match(await dialog.innerText(), /net1 nic0\): they are left not connected, running VMs too/);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await status().getByText('Removed switch lab.').waitFor({ timeout: 30_000 });
    await page.getByText('No virtual switches yet.').waitFor();
    const [vm] = await nubed.api('GET', '/api/v1/vms');
    assert.equal((await nubed.api('GET', `/api/v1/vms/${vm.id}`)).settings.networkAdapters[0].switch ?? null, null);
    assert.throws(() => execFileSync('ip', ['link', 'show', 'dev', bridge], { stdio: 'pipe' }));
    await nubed.api('POST', `/api/v1/vms/${vm.id}/turn-off?wait=30`);
  }));

  test('a running VM\'s page shows the IP addresses its guest reports on each adapter', STEP, suite.step(async () => {
    const { nubed } = suite;
    // User-mode networking's DHCP server, in QEMU: nothing on the host's own network changes.
    const settings = guestSettings('net2', { networkAdapters: [{ kind: 'synthetic', switch: 'user' }] });
    settings.boot.commandLine = 'console=ttyS0 nube.dhcp=1';
    const vm = await nubed.api('POST', '/api/v1/vms', settings);
    const id = vm.summary.id;
    await nubed.api('POST', `/api/v1/vms/${id}/start?wait=30`);
    await page.goto(`/vms/${id}`);
    await page.getByTestId('vm-addresses').getByText('10.0.2.15/24').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('table.devices').getByTestId('addresses').innerText(), /^IP addresses: 10\.0\.2\.15\/24/);
    await nubed.api('POST', `/api/v1/vms/${id}/turn-off?wait=30`);
  }));

  test('no page broke the Content-Security-Policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
