import { useState } from 'preact/hooks';
import { post, vmPath } from '../lib/api.js';
import { clock, statusLabel } from '../lib/format.js';

/** Each integration service with its status, switched on or off at once (live while the VM runs). */
export function IntegrationServices({ id, services, onChanged }) {
  const [error, setError] = useState(null);
  async function toggle(s) {
    setError(null);
    try {
      await post(`${vmPath(id)}/integration-services/${s.service}/${s.enabled ? 'disable' : 'enable'}`);
      onChanged();
    } catch (e) {
      setError(e.message);
    }
  }
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">Integration services</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="services">
        <thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Last good answer</th><th scope="col">On</th></tr></thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.service}>
              <th scope="row">{s.displayName}</th>
              <td>{statusLabel(s.status)}{s.error ? `: ${s.error}` : ''}</td>
              <td>{clock(s.lastGoodAnswer)}</td>
              <td>
                <button type="button" onClick={() => toggle(s)}
                  aria-label={`${s.displayName}: ${s.enabled ? 'enabled, disable it' : 'disabled, enable it'}`}>
                  {s.enabled ? 'Disable' : 'Enable'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
