// How the console writes the host's words and numbers.

const STATES = {
  off: 'Off', starting: 'Starting', running: 'Running', paused: 'Paused', saving: 'Saving',
  saved: 'Saved', stopping: 'Stopping', migrating: 'Migrating', incoming: 'Incoming (migration)', broken: 'Broken',
};
const STATUSES = {
  ok: 'OK', 'no-contact': 'No contact', 'lost-communication': 'Lost communication', disabled: 'Disabled',
};

export const stateLabel = (state) => STATES[state] ?? state;
export const statusLabel = (status) => (status == null ? '' : STATUSES[status] ?? status);

export function mib(value) {
  if (value == null) return '';
  return value >= 1024 && value % 1024 === 0 ? `${value / 1024} GiB` : `${value} MiB`;
}

export function bytes(value) {
  const gib = value / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(value / 2 ** 20)} MiB`;
}

/** "0 B", "812 B", "3.4 KiB", "1.25 GiB": as the CLI writes sizes. */
export function byteSize(value) {
  if (value == null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
  return u === 0 ? `${value} B` : `${+v.toFixed(2)} ${units[u]}`;
}

export const rate = (bytesPerSecond) => `${byteSize(Math.round(bytesPerSecond))}/s`;

/** 42 s, 3 min 5 s, 2 h 7 min, 3 d 4 h. */
export function duration(seconds) {
  if (seconds == null || seconds < 0) return '';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '';
}

const KINDS = {
  'turn-off': 'Turn off', 'copy-file': 'Copy file', 'change-devices': 'Change devices', 'disk-convert': 'Convert disk', 'disk-merge': 'Merge disk',
  'apply-checkpoint': 'Apply checkpoint', 'remove-checkpoint': 'Remove checkpoint', 'move-storage': 'Move storage', 'recover-move': 'Move recovery',
};
export const jobKind = (kind) => KINDS[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);
