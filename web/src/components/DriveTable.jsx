/** A VM's drives, one row each, with what can be done to each one (the host judges whether it may). */
export function DriveTable({ drives, busy, onRemove, onEject }) {
  if (drives.length === 0) return <p>The VM has no drives.</p>;
  return (
    <table class="drives">
      <thead>
        <tr>
          <th scope="col">Drive</th><th scope="col">Place</th><th scope="col">Media</th><th scope="col">File</th>
          <th scope="col">Read-only</th><th scope="col">Boot order</th><th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {drives.map((d) => (
          <tr key={d.id} data-drive={d.id}>
            <th scope="row">{d.id}</th>
            <td>{d.at}</td>
            <td>{d.media === 'dvd' ? 'DVD' : 'Hard disk'}</td>
            <td class="path">{d.path ? <code>{d.path}</code> : 'No disc'}</td>
            <td>{d.readOnly ? 'Yes' : 'No'}</td>
            <td>{d.bootIndex ?? ''}</td>
            <td class="actions">
              {d.media === 'dvd' && d.path && (
                <button type="button" disabled={busy} onClick={() => onEject(d)} aria-label={`Eject the disc of ${d.id}`}>Eject</button>
              )}
              <button type="button" disabled={busy} onClick={() => onRemove(d)} aria-label={`Remove ${d.id}`}>Remove</button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
