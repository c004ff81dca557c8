import { Field } from './Field.jsx';

const MODELS = {
  legacy: [['', 'DEC 21140 (tulip, default)'], ['tulip', 'DEC 21140 (tulip)'], ['e1000', 'Intel 82540EM (e1000)']],
  synthetic: [['', 'virtio-net (default)'], ['virtio-net', 'virtio-net']],
};
const CONNECTIONS = [['none', 'Not connected'], ['user', 'NAT (user-mode)'], ['tap', 'A TAP device']];

/** One network adapter: its kind and model, and what it is connected to. */
export function AdapterRow({ adapter: n, index, edit, err, generation, onRemove }) {
  const id = (part) => `f-nic-${n.key}-${part}`;
  const set = (part) => (e) => edit(n.key, { [part]: e.currentTarget.value });
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
      </div>
      <Field id={id('macAddress')} label="MAC address (optional)" errors={err(id('macAddress'))} value={n.macAddress}
        onInput={set('macAddress')} placeholder="52:54:00:12:34:56" hint="Empty: the host chooses one." />
      <button type="button" class="link" onClick={onRemove}>Remove network adapter {index + 1}</button>
    </fieldset>
  );
}
