import { useEffect, useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api.js';
import { useHost } from '../lib/hostContext.js';
import { navigate } from '../lib/router.js';
import { emptyForm, newAdapter, placeErrors, toSettings } from '../lib/vmForm.js';
import { ErrorSummary } from './ErrorSummary.jsx';
import { VmForm } from './VmForm.jsx';

/** The New VM wizard: one form in the order of Hyper-V's wizard; the host validates it. */
export function NewVm() {
  const { host } = useHost();
  const [form, setForm] = useState(emptyForm);
  const [problem, setProblem] = useState({ byId: {}, list: [] });
  const [busy, setBusy] = useState(false);
  const change = (fields) => setForm((f) => ({ ...f, ...fields }));
  // As Hyper-V's wizard offers its Default Switch: a new VM starts with one adapter on the host's default switch.
  useEffect(() => {
    if (host?.defaultSwitch) setForm((f) => (f.adapters.length ? f : { ...f, adapters: [newAdapter(f.generation, host.defaultSwitch)] }));
  }, [host?.defaultSwitch]);

  async function submit(e) {
    e.preventDefault();
    const { settings, fields } = toSettings(form);
    setBusy(true);
    try {
      await post('/api/v1/vms', settings);
      navigate('/vms');
    } catch (err) {
      setProblem(err instanceof ApiError && err.fieldErrors.length
        ? placeErrors(err.fieldErrors, fields)
        : { byId: {}, list: [{ message: err.message, id: null }] });
      setBusy(false);
    }
  }

  return (
    <section class="wizard">
      <h1 tabindex="-1">New virtual machine</h1>
      {/* noValidate: the host judges the settings, so that its messages (with the edition's limits) are the ones shown. */}
      <form onSubmit={submit} noValidate>
        <ErrorSummary title="The host refused these settings" errors={problem.list} />
        <VmForm form={form} change={change} errors={problem.byId} host={host} mode="new" />
        <div class="buttons sticky">
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Creating…' : 'Create VM'}</button>
        </div>
      </form>
    </section>
  );
}
