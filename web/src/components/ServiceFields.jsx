import { SERVICES } from '../lib/vmForm.js';

/** Which integration services the VM has enabled (the guest's qemu-guest-agent answers them). */
export function ServiceFields({ services, onChange, err }) {
  const errors = err('f-services');
  return (
    <fieldset id="f-services" tabindex="-1" aria-describedby={errors ? 'f-services-error' : undefined}>
      <legend>Integration services</legend>
      {SERVICES.map(([service, label]) => (
        <div class="field check" key={service}>
          <input type="checkbox" id={`f-service-${service}`} checked={services[service]}
            onChange={(e) => onChange({ ...services, [service]: e.currentTarget.checked })} />
          <label for={`f-service-${service}`}>{label}</label>
        </div>
      ))}
      {errors && <p id="f-services-error" class="field-error">{errors.join(' ')}</p>}
    </fieldset>
  );
}
