import { byteSize } from '../lib/format.js';

const fileName = (path) => path.slice(path.lastIndexOf('/') + 1);

/** The disk files, one row each, with what can be done to each (the host judges whether it may). */
export function DiskFileTable({ disks, busy, onAction }) {
  if (disks.length === 0) return <p>No disk files under the storage roots.</p>;
  const button = (d, action, label) => (
    <button type="button" disabled={busy} onClick={() => onAction(action, d)} aria-label={`${label} ${fileName(d.path)}`}>{label}</button>
  );
  return (
    <table class="disk-files">
      <thead>
        <tr>
          <th scope="col">File</th><th scope="col">Format</th><th scope="col">Virtual size</th><th scope="col">File size</th>
          <th scope="col">Parent</th><th scope="col">Used by</th><th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {disks.map((d) => (
          <tr key={d.path} data-disk={d.path}>
            <th scope="row" class="path"><code>{d.path}</code></th>
            <td>{d.format}</td>
            <td>{byteSize(d.virtualSize)}</td>
            <td>{byteSize(d.fileSize)}</td>
            <td class="path">{d.parents.length > 0 ? <code>{d.parents[0].path}</code> : ''}</td>
            <td>{[...new Set(d.usedBy.map((u) => `${u.vmName} (${u.state})`))].join(', ')}</td>
            <td class="actions">
              {button(d, 'convert', 'Convert')}
              {button(d, 'resize', 'Resize')}
              {d.parents.length > 0 && button(d, 'merge', 'Merge')}
              {button(d, 'check', 'Check')}
              {button(d, 'remove', 'Remove')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
