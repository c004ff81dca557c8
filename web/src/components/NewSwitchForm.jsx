import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

const KINDS = [
  ['private', 'Private (VMs of this host only)'], ['internal', 'Internal (VMs and the host)'],
  ['external', 'External (bridged to a host interface, which the host keeps using)'],
];

/**
 * A new virtual switch (POST /api/v1/switches): its name, kind and, for an internal one, the
 * host's addresses on it, NAT and DHCP; for an external one, the host interface it bridges.
 */
export function NewSwitchForm({ busy, err, onMake }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('private');
  const [addresses, setAddresses] = useState('');
  const [nat, setNat] = useState(false);
  const [dhcp, setDhcp] = useState(false);
  const [uplink, setUplink] = useState('');
  const [confirm, setConfirm] = useState(false);
  const text = (set) => (e) => set(e.currentTarget.value);

  function submit(e) {
    e.preventDefault();
    // A private switch's form has no addresses field: what was typed there for an internal one is not sent.
    const list = kind === 'internal' ? addresses.split(/[\s,]+/).filter(Boolean) : [];
    // An empty name is sent as it is, so that the host's message says what a name needs.
    const internal = kind === 'internal';
    const external = kind === 'external' && { interface: uplink.trim(), confirm };
    onMake({ name: name.trim(), kind, ...(list.length && { hostAddresses: list }), ...(internal && { nat, dhcp }), ...external });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-switch-title" class="card">
      <h3 id="new-switch-title">New virtual switch</h3>
      <div class="row">
        <Field id="switch-name" label="Name" hint="Letters, digits, '.', '_' and '-'; adapters connect to it by this name."
          errors={err('switch-name')} value={name} onInput={text(setName)} />
        <Field id="switch-kind" as="select" label="Kind" options={KINDS} errors={err('switch-kind')} value={kind} onInput={text(setKind)} />
      </div>
      {kind === 'internal' && (
        <Field id="switch-addresses" label="Host addresses" hint="The host's addresses on the switch, with their prefix: 192.168.50.1/24 (several: separate them with spaces)."
          errors={err('switch-addresses')} value={addresses} onInput={text(setAddresses)} />
      )}
      {kind === 'external' && (
        <>
          <Field id="switch-interface" label="Host interface" hint="The host's Ethernet interface (eth1, enp3s0, bond0): its addresses and routes move to the switch, and the host keeps using them there."
            errors={err('switch-interface')} value={uplink} onInput={text(setUplink)} />
          <Field id="switch-confirm" as="checkbox" label="It carries the host's default route: move that too" errors={err('switch-confirm')}
            checked={confirm} onChange={(e) => setConfirm(e.currentTarget.checked)} />
        </>
      )}
      {kind === 'internal' && (
        <div class="row">
          <Field id="switch-nat" as="checkbox" label="NAT: VMs reach what the host reaches" errors={err('switch-nat')}
            checked={nat} onChange={(e) => setNat(e.currentTarget.checked)} />
          <Field id="switch-dhcp" as="checkbox" label="DHCP: VMs get addresses from the host" errors={err('switch-dhcp')}
            checked={dhcp} onChange={(e) => setDhcp(e.currentTarget.checked)} />
        </div>
      )}
      <div class="buttons"><button type="submit" disabled={busy}>Make switch</button></div>
    </form>
  );
}
