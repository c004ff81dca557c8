import { useEffect, useRef } from 'preact/hooks';

/** The host's answer to a refused form, at the top: each message links to its field. */
export function ErrorSummary({ title, errors, titleId = 'error-summary-title' }) {
  const box = useRef(null);
  useEffect(() => {
    box.current?.focus();
  }, [errors]);
  if (!errors?.length) return null;
  const go = (e, id) => {
    e.preventDefault();
    document.getElementById(id)?.focus();
  };
  return (
    <div class="error-summary" role="alert" tabindex="-1" ref={box} aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>{e.id ? <a href={`#${e.id}`} onClick={(ev) => go(ev, e.id)}>{e.message}</a> : e.message}</li>
        ))}
      </ul>
    </div>
  );
}
