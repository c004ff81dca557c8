import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { useHost } from '../lib/hostContext.js';
import { newAdapter } from '../lib/vmForm.js';
import { AdapterRow } from './AdapterRow.jsx';

/** Network adapters: legacy (emulated, generation 1 only) or synthetic, each connected or not. */
export function AdapterList({ adapters, onChange, err, limits, generation, added }) {
  const edit = (key, fields) => onChange(adapters.map((n) => (n.key === key ? { ...n, ...fields } : n)));
  const [switches, setSwitches] = useState(null);
  const { host } = useHost();
  // The switches' names for the connection list; without them an adapter's own switch is still shown.
  useEffect(() => { get('/api/v1/switches').then((list) => setSwitches(list.map((s) => s.name))).catch(() => setSwitches([])); }, []);
  return (
    <fieldset id="f-adapters" tabindex="-1" aria-describedby="f-adapters-hint f-adapters-error">
      <legend>Network adapters</legend>
      <p id="f-adapters-hint" class="hint">
        {limits && `Up to ${limits.maxLegacyNetworkAdapters} legacy (generation 1 only) and ${limits.maxSyntheticNetworkAdapters} synthetic adapters. `}
        Synthetic adapters on a switch, or on none, are added and removed while the VM runs (generation 2: in its PCI Express root ports, 8 unless changed); any adapter changes its switch, VLAN, bandwidth and guards while it runs.
      </p>
      {err('f-adapters') && <p id="f-adapters-error" class="field-error">{err('f-adapters').join(' ')}</p>}
      {adapters.map((n, i) => (
        <AdapterRow key={n.key} adapter={n} index={i} edit={edit} err={err} generation={generation} switches={switches}
          onRemove={() => onChange(adapters.filter((x) => x.key !== n.key))} />
      ))}
      <div class="buttons">
        <button type="button" onClick={() => onChange([...adapters, newAdapter(generation, host?.defaultSwitch, added)])}>Add network adapter</button>
      </div>
    </fieldset>
  );
}
