// Moving a running VM to a peer host from the VM's page, against two real nubeds on this machine
// (the peer serving TLS, trusted by its pinned certificate and a token of its own): the Move
// dialog lists the host's peers, the move's job shows its progress to the end with its result,
// the VM runs at the peer and this host has forgotten it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { guestFile, startNubed } from './support/nubed.mjs';
import { signedInPage } from './support/signin.mjs';
import { nubedAndBrowser } from './support/suite.mjs';

const STEP = { timeout: 120_000 };

describe('the Move dialog with two real nubeds', () => {
  const suite = nubedAndBrowser();
  let peer;

  before(async () => {
    peer = await startNubed({ tls: true });
    await peer.api('POST', '/api/v1/users', { name: 'peer', password: 'correct horse battery' });
    const token = await peer.api('POST', '/api/v1/tokens', { name: 'peer', userName: 'peer' });
    const host = await peer.api('GET', '/api/v1/host');
    await suite.nubed.api('POST', '/api/v1/host/peers',
      { name: 'b', url: `${peer.url}/`, fingerprint: host.remote.certificateFingerprint, token: token.secret });
  });
  after(async () => {
    suite.dump(peer);
    await peer?.stop();
  });

  test('a running VM moves to the peer from its page and the job says how it went', STEP, suite.step(async () => {
    // A VM that starts in a moment and idles (its BIOS finds nothing to boot on the DVD): cheap to move.
    const vm = await suite.nubed.api('POST', '/api/v1/vms', {
      name: 'wanderer', memoryStartupMiB: 64, networkAdapters: [],
      ideDrives: [{ controller: 0, location: 0, media: 'dvd', path: guestFile('data.img') }],
      boot: { kind: 'disk', disk: 'ide0:0' },
    });
    const id = vm.summary.id;
    await suite.nubed.api('POST', `/api/v1/vms/${id}/start?wait=60`);
    const { page } = await signedInPage(suite.browser, suite.nubed, { path: `/vms/${id}` });
    const problems = watchPage(page);

    await page.getByRole('button', { name: 'Move…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move wanderer to another host' });
    await dialog.getByLabel('Host', { exact: true }).selectOption('b');
    // A quick move copies no disk: ticking it turns the copy off.
    const copy = dialog.getByLabel(/Copy its disks to that host/);
    await dialog.getByLabel(/^Quick:/).check();
    assert.equal(await copy.isDisabled(), true);
    await dialog.getByLabel(/^Quick:/).uncheck();
    assert.equal(await copy.isDisabled(), false);
    await dialog.getByRole('button', { name: 'Move', exact: true }).click();
    await dialog.getByText(/Move done: Moved to b in [0-9.]+ s; the VM was paused [0-9]+ ms; .* encrypted\./).waitFor({ timeout: 90_000 });

    const there = await peer.api('GET', `/api/v1/vms/${id}?agentWait=0`);
    assert.equal(there.summary.state, 'running');
    assert.equal((await suite.nubed.request('GET', `/api/v1/vms/${id}`)).status, 404);
    await dialog.getByRole('button', { name: 'Back to the VMs' }).click();
    await page.waitForURL(/\/vms$/);
    assert.equal(await page.locator('tr[data-vm="wanderer"]').count(), 0);
    assert.deepEqual(problems, []);
    await peer.api('POST', `/api/v1/vms/${id}/turn-off?wait=30`);
  }));
});
