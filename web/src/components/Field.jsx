/**
 * A labelled input with its hint (the edition's limit, what is allowed) and the host's error
 * messages for it, tied together with aria-describedby so a screen reader reads all three.
 * `as` is input (default), select (with `options` as [value, label] pairs), textarea or checkbox.
 */
export function Field({ id, label, hint, errors, as = 'input', options, ...input }) {
  const invalid = errors?.length > 0;
  const describedBy = [hint && `${id}-hint`, invalid && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const props = { id, 'aria-describedby': describedBy, 'aria-invalid': invalid ? 'true' : undefined, ...input };
  const notes = (
    <>
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {invalid && <p id={`${id}-error`} class="field-error">{errors.join(' ')}</p>}
    </>
  );
  if (as === 'checkbox') {
    return (
      <div class={`field check${invalid ? ' invalid' : ''}`}>
        <input type="checkbox" {...props} />
        <label for={id}>{label}</label>
        {notes}
      </div>
    );
  }
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {as === 'select' && (
        <select {...props}>
          {options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
        </select>
      )}
      {as === 'textarea' && <textarea {...props} />}
      {as === 'input' && <input {...props} />}
      {notes}
    </div>
  );
}
