import { useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { placeErrors } from './vmForm.js';

// A panel's requests, one at a time: what is being done, what was done, and the host's last
// refusal with its field errors placed on the panel's fields.

export const NO_PROBLEM = { title: '', byId: {}, list: [] };

/** A refusal for ErrorSummary and the fields: the host's field errors placed by `fields` (request field to input id), else its message. */
export function refusal(title, e, fields) {
  const placed = e instanceof ApiError && e.fieldErrors.length ? placeErrors(e.fieldErrors, fields) : null;
  return { title, ...(placed ?? { byId: {}, list: [{ message: e.message, id: null }] }) };
}

/** { busy, done, problem, setDone, setProblem, run, err }: run(what, title, fields, request, success) is true when the host accepted. */
export function useRequests() {
  const [busy, setBusy] = useState('');
  const [done, setDone] = useState('');
  const [problem, setProblem] = useState(NO_PROBLEM);

  async function run(what, title, fields, request, success) {
    setBusy(what);
    setDone('');
    setProblem(NO_PROBLEM);
    try {
      setDone(success(await request()));
      return true;
    } catch (e) {
      setProblem(refusal(title, e, fields));
      return false;
    } finally {
      setBusy('');
    }
  }

  return { busy, done, problem, setDone, setProblem, run, err: (fieldId) => problem.byId[fieldId] };
}
