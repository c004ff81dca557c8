import { bindValue } from '../lib/binding.js';
import { Field } from './Field.jsx';

/** What the host does with the VM when it starts, shuts down, or the VM's QEMU dies. */
export function ActionFields({ form, change, err }) {
  return (
    <fieldset>
      <legend>Automatic actions</legend>
      <div class="row">
        <Field id="f-automaticStartAction" as="select" label="When the host starts" errors={err('f-automaticStartAction')}
          options={[['nothing', 'Nothing'], ['startIfRunning', 'Start if it was running'], ['alwaysStart', 'Always start']]}
          {...bindValue(form, change, 'automaticStartAction')} />
        <Field id="f-automaticStartDelaySeconds" label="Start delay (seconds)" type="number" min="0" max="86400"
          errors={err('f-automaticStartDelaySeconds')} hint="0 to 86400." {...bindValue(form, change, 'automaticStartDelaySeconds')} />
      </div>
      <div class="row">
        <Field id="f-automaticStopAction" as="select" label="When the host shuts down" errors={err('f-automaticStopAction')}
          options={[['save', 'Save the VM'], ['turnOff', 'Turn it off'], ['shutDown', 'Shut the guest down']]}
          {...bindValue(form, change, 'automaticStopAction')} />
        <Field id="f-crashAction" as="select" label="When its QEMU crashes" errors={err('f-crashAction')}
          options={[['off', 'Leave it off'], ['restart', 'Restart it']]} {...bindValue(form, change, 'crashAction')} />
      </div>
    </fieldset>
  );
}
