import { Field } from './Field.jsx';

const MODELS = {
  legacy: [['', 'DEC 21140 (tulip, default)'], ['tulip', 'DEC 21140 (tulip)'], ['e1000', 'Intel 82540EM (e1000)']],
  synthetic: [['', 'virtio-net (default)'], ['virtio-net', 'virtio-net']],
};
const CONNECTIONS = [['none', 'Not connected'], ['switch', 'A virtual switch'], ['user', 'NAT (user-mode)'], ['tap', 'A TAP device']];

/** One network adapter: its kind and model, what it is connected to and, on a switch, its VLAN, bandwidth and guards. */
export function AdapterRow({ adapter: n, index, edit, err, generation, switches, onRemove }) {
  const id = (part) => `f-nic-${n.key}-${part}`;
  const set = (part) => (e) => edit(n.key, { [part]: e.currentTarget.value });
  const check = (part) => (e) => edit(n.key, { [part]: e.currentTarget.checked });
  const names = switches ?? [];
  // The adapter's own switch stays offered while the list loads, or if it is gone.
  const switchOptions = [['', 'Choose a switch'], ...[...new Set([...names, n.switchName].filter(Boolean))].map((s) => [s, s])];
  const kinds = generation === 2 ? [['synthetic', 'Synthetic']] : [['legacy', 'Legacy (emulated)'], ['synthetic', 'Synthetic']];
  return (
    <fieldset class="item">
      <legend>Network adapter {index + 1}</legend>
      <div class="row">
        <Field id={id('kind')} as="select" label="Kind" options={kinds} errors={err(id('kind'))} value={n.kind}
          onInput={(e) => edit(n.key, { kind: e.currentTarget.value, model: '' })} />
        <Field id={id('model')} as="select" label="Model" options={MODELS[n.kind] ?? MODELS.synthetic} errors={err(id('model'))}
          value={n.model} onInput={set('model')} />
        <Field id={id('connection')} as="select" label="Connection" options={CONNECTIONS} errors={err(id('connection'))}
          value={n.connection} onInput={set('connection')} />
        {n.connection === 'tap' && (
          <Field id={id('tap')} label="TAP device" errors={err(id('tap'))} value={n.tap} onInput={set('tap')}
            hint="An existing TAP device, 1 to 15 characters of A-Z a-z 0-9 _ . -" />
        )}
        {n.connection === 'switch' && (
          <>
            <Field id={id('switch')} as="select" label="Switch" options={switchOptions} errors={err(id('switch'))} value={n.switchName}
              onInput={(e) => edit(n.key, { switchName: e.currentTarget.value })} hint={names.length === 0 ? 'No switches yet: make one on the Networking page.' : undefined} />
            <Field id={id('vlanId')} label="VLAN ID (optional)" inputMode="numeric" errors={err(id('vlanId'))} value={n.vlanId}
              onInput={set('vlanId')} hint="1 to 4094; empty: the switch's untagged VLAN." />
            <Field id={id('maximumBandwidthMbps')} label="Maximum bandwidth, Mbit/s (optional)" inputMode="numeric"
              errors={err(id('maximumBandwidthMbps'))} value={n.maximumBandwidthMbps} onInput={set('maximumBandwidthMbps')} hint="Each way; empty: no limit." />
            <Field id={id('minimumBandwidthWeight')} label="Minimum bandwidth weight (optional)" inputMode="numeric"
              errors={err(id('minimumBandwidthWeight'))} value={n.minimumBandwidthWeight} onInput={set('minimumBandwidthWeight')}
              hint="1 to 100: the adapter's share when the switch's uplink, or a VM it sends to under a maximum, is full; empty: none." />
            <Field id={id('allowedAddresses')} label="Allowed IP addresses (optional)" errors={err(id('allowedAddresses'))} value={n.allowedAddresses}
              onInput={set('allowedAddresses')} hint="The guest sends from these only (ARP and IP from others are dropped): 10.0.0.5, 10.0.0.0/29, fd00::5; empty: any." />
          </>
        )}
      </div>
      {n.connection === 'switch' && (
        <div class="row">
          <Field id={id('macAddressSpoofing')} as="checkbox" label="Allow MAC address spoofing" checked={n.macAddressSpoofing} onChange={check('macAddressSpoofing')} />
          <Field id={id('dhcpGuard')} as="checkbox" label="DHCP guard" checked={n.dhcpGuard} onChange={check('dhcpGuard')} />
          <Field id={id('routerGuard')} as="checkbox" label="Router guard" checked={n.routerGuard} onChange={check('routerGuard')} />
        </div>
      )}
      <Field id={id('macAddress')} label="MAC address (optional)" errors={err(id('macAddress'))} value={n.macAddress}
        onInput={set('macAddress')} placeholder="52:54:00:12:34:56" hint="Empty: the host chooses one." />
      <button type="button" class="link" onClick={onRemove}>Remove network adapter {index + 1}</button>
    </fieldset>
  );
}
