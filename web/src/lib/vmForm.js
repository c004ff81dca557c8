// The VM form of the wizard and the settings page: what the user edits, the VmSettings document
// it becomes, and where each of the host's validation errors goes. The host judges the settings
// (its messages name the field, the value and the limit); the form only places its answer.

export const SERVICES = [
  ['heartbeat', 'Heartbeat'],
  ['shutdown', 'Operating system shutdown'],
  ['time-sync', 'Time synchronization'],
  ['kvp', 'Data exchange'],
  ['guest-services', 'Guest services'],
  ['backup', 'Backup (volume shadow copy)'],
];

let nextKey = 1;
const key = () => nextKey++;

/** A disk in the first free place of the bus, by the host's limits (GET /api/v1/host). */
export function newDisk(bus, disks, limits) {
  const taken = new Set(disks.filter((d) => d.bus === bus).map((d) => `${d.controller}:${d.location}`));
  const [controllers, locations] = !limits ? [0, 0] : bus === 'ide'
    ? [limits.maxIdeControllers, limits.ideLocationsPerController]
    : [limits.maxScsiControllers, limits.scsiTargetsPerController];
  const make = (controller, location) => ({
    key: key(), bus, controller, location, media: 'hardDisk', path: '', format: '', readOnly: false, cache: '',
  });
  for (let c = 0; c < controllers; c++) {
    for (let l = 0; l < locations; l++) if (!taken.has(`${c}:${l}`)) return make(c, l);
  }
  return make(0, 0); // every place is taken: the host's answer says so
}

/**
 * A new adapter: synthetic on the host's default switch when it has one (GET /api/v1/host's defaultSwitch).
 * One added to an existing VM (`added`) is synthetic, the kind that also comes while the VM runs, and
 * without a default switch starts not connected, as Hyper-V's Add-VMNetworkAdapter.
 */
export function newAdapter(generation, defaultSwitch, added = false) {
  return {
    key: key(), kind: generation === 2 || defaultSwitch || added ? 'synthetic' : 'legacy', model: '',
    connection: defaultSwitch ? 'switch' : added ? 'none' : 'user', tap: '', switchName: defaultSwitch ?? '', macAddress: '',
    vlanId: '', maximumBandwidthMbps: '', minimumBandwidthWeight: '', allowedAddresses: '', macAddressSpoofing: false, dhcpGuard: true, routerGuard: true,
  };
}

export function emptyForm() {
  return {
    name: '', generation: 1, secureBoot: true, processorModel: 'compatible', processorCount: 1, cpuReserve: 0, cpuLimit: 100, cpuWeight: 100, memoryStartupMiB: 512,
    bootKind: 'kernel', kernel: '', initrd: '', commandLine: 'console=ttyS0', bootDisk: '',
    disks: [], adapters: [],
    automaticStartAction: 'nothing', automaticStartDelaySeconds: 0, automaticStopAction: 'save', crashAction: 'off',
    services: Object.fromEntries(SERVICES.map(([s]) => [s, s !== 'guest-services'])),
    notes: '',
  };
}

/** "10.0.0.5, fd00::5" as the API's list; null when empty (no binding). */
function addressList(text) {
  const list = (text ?? '').split(/[\s,]+/).filter(Boolean);
  return list.length ? list : null;
}

/** A VM's settings (GET /api/v1/vms/{id}) as the form edits them. */
export function fromSettings(s) {
  const enabled = new Set(s.integrationServices?.enabled ?? []);
  const adapter = (n) => ({
    key: key(), id: n.id ?? null, pciSlot: n.pciSlot ?? null, kind: n.kind, model: n.model ?? '', macAddress: n.macAddress ?? '',
    connection: !n.switch ? 'none' : n.switch.startsWith('tap:') ? 'tap' : n.switch === 'user' ? 'user' : 'switch',
    tap: n.switch?.startsWith('tap:') ? n.switch.slice(4) : '',
    switchName: n.switch && n.switch !== 'user' && !n.switch.startsWith('tap:') ? n.switch : '',
    vlanId: n.vlanId ?? '', maximumBandwidthMbps: n.maximumBandwidthMbps ?? '', minimumBandwidthWeight: n.minimumBandwidthWeight ?? '', allowedAddresses: (n.allowedAddresses ?? []).join(', '), macAddressSpoofing: !!n.macAddressSpoofing, dhcpGuard: n.dhcpGuard ?? true, routerGuard: n.routerGuard ?? true,
  });
  return {
    name: s.name, generation: s.generation, secureBoot: s.secureBoot ?? true,
    processorModel: s.processorModel ?? '', processorCount: s.processorCount, cpuReserve: s.cpuReserve ?? 0, cpuLimit: s.cpuLimit ?? 100, cpuWeight: s.cpuWeight ?? 100,
    memoryStartupMiB: s.memoryStartupMiB,
    bootKind: s.boot?.kind ?? 'kernel', kernel: s.boot?.kernel ?? '', initrd: s.boot?.initrd ?? '',
    commandLine: s.boot?.commandLine ?? '', bootDisk: s.boot?.disk ?? '',
    disks: [
      ...(s.ideDrives ?? []).map((d) => ({ key: key(), bus: 'ide', ...disk(d) })),
      ...(s.scsiControllers ?? []).flatMap((c, ci) => c.disks.map((d) => ({ key: key(), bus: 'scsi', controller: ci, ...disk(d) }))),
    ],
    adapters: (s.networkAdapters ?? []).map(adapter),
    automaticStartAction: s.automaticStartAction, automaticStartDelaySeconds: s.automaticStartDelaySeconds ?? 0,
    automaticStopAction: s.automaticStopAction, crashAction: s.crashAction,
    services: Object.fromEntries(SERVICES.map(([svc]) => [svc, enabled.has(svc)])),
    notes: s.notes ?? '',
  };
}

function disk(d) {
  return {
    controller: d.controller ?? 0, location: d.location, media: d.media ?? 'hardDisk', path: d.path ?? '',
    format: d.format ?? '', readOnly: !!d.readOnly, cache: d.cache ?? '',
  };
}

const orNull = (v) => (v === '' || v == null ? null : v);
const number = (v) => (v === '' || v == null ? null : Number(v));

/**
 * The form as a VmSettings document, and `fields`: each document path (as the host names it in
 * its errors, e.g. ideDrives[0].path) mapped to the id of the input that holds it.
 */
export function toSettings(f) {
  const fields = {
    name: 'f-name', generation: 'f-generation', secureBoot: 'f-secureBoot', processorModel: 'f-processorModel', processorCount: 'f-processorCount',
    cpuReserve: 'f-cpuReserve', cpuLimit: 'f-cpuLimit', cpuWeight: 'f-cpuWeight',
    memoryStartupMiB: 'f-memoryStartupMiB', boot: 'f-bootKind', 'boot.kind': 'f-bootKind', 'boot.kernel': 'f-kernel',
    'boot.initrd': 'f-initrd', 'boot.commandLine': 'f-commandLine', 'boot.disk': 'f-bootDisk',
    ideDrives: 'f-disks', scsiControllers: 'f-disks', networkAdapters: 'f-adapters',
    automaticStartAction: 'f-automaticStartAction', automaticStartDelaySeconds: 'f-automaticStartDelaySeconds',
    automaticStopAction: 'f-automaticStopAction', crashAction: 'f-crashAction', integrationServices: 'f-services',
    notes: 'f-notes',
  };
  const diskFields = (prefix, d) => {
    fields[prefix] = `f-disk-${d.key}-path`;
    for (const part of ['controller', 'location', 'media', 'path', 'format', 'readOnly', 'cache']) {
      fields[`${prefix}.${part}`] = `f-disk-${d.key}-${part}`;
    }
  };
  const diskDoc = (d) => ({ path: d.path, format: orNull(d.format), readOnly: d.readOnly, cache: orNull(d.cache) });

  const ide = f.disks.filter((d) => d.bus === 'ide');
  ide.forEach((d, i) => diskFields(`ideDrives[${i}]`, d));
  const scsi = f.disks.filter((d) => d.bus === 'scsi');
  const controllers = Array.from({ length: Math.max(0, ...scsi.map((d) => Number(d.controller) + 1)) }, () => []);
  for (const d of scsi) {
    const c = Number(d.controller);
    diskFields(`scsiControllers[${c}].disks[${controllers[c].length}]`, d);
    fields[`scsiControllers[${c}]`] ??= `f-disk-${d.key}-controller`;
    controllers[c].push(d);
  }
  f.adapters.forEach((n, i) => {
    fields[`networkAdapters[${i}]`] = `f-nic-${n.key}-kind`;
    for (const part of ['kind', 'model', 'macAddress', 'vlanId', 'maximumBandwidthMbps', 'minimumBandwidthWeight', 'allowedAddresses']) fields[`networkAdapters[${i}].${part}`] = `f-nic-${n.key}-${part}`;
    fields[`networkAdapters[${i}].switch`] = `f-nic-${n.key}-${n.connection === 'tap' ? 'tap' : n.connection === 'switch' ? 'switch' : 'connection'}`;
  });

  const kernel = f.bootKind === 'kernel';
  const settings = {
    name: f.name,
    generation: Number(f.generation),
    secureBoot: Number(f.generation) === 2 ? f.secureBoot : null,
    processorModel: orNull(f.processorModel),
    processorCount: number(f.processorCount),
    cpuReserve: number(f.cpuReserve),
    cpuLimit: number(f.cpuLimit),
    cpuWeight: number(f.cpuWeight),
    memoryStartupMiB: number(f.memoryStartupMiB),
    boot: {
      kind: f.bootKind,
      kernel: kernel ? orNull(f.kernel) : null,
      initrd: kernel ? orNull(f.initrd) : null,
      commandLine: kernel ? orNull(f.commandLine) : null,
      disk: kernel ? null : orNull(f.bootDisk),
    },
    ideDrives: ide.map((d) => ({ controller: Number(d.controller), location: Number(d.location), media: d.media, ...diskDoc(d) })),
    scsiControllers: controllers.map((disks) => ({ disks: disks.map((d) => ({ location: Number(d.location), media: d.media, ...diskDoc(d) })) })),
    networkAdapters: f.adapters.map((n) => ({
      // The host's id and slot go back unchanged: the adapter stays the same device, in its slot.
      id: n.id ?? null, pciSlot: n.pciSlot ?? null,
      kind: n.kind, model: orNull(n.model), macAddress: orNull(n.macAddress),
      switch: { none: null, tap: `tap:${n.tap}`, user: 'user', switch: n.switchName }[n.connection],
      vlanId: n.connection === 'switch' ? number(n.vlanId) : null,
      maximumBandwidthMbps: n.connection === 'switch' ? number(n.maximumBandwidthMbps) : null,
      minimumBandwidthWeight: n.connection === 'switch' ? number(n.minimumBandwidthWeight) : null,
      allowedAddresses: n.connection === 'switch' ? addressList(n.allowedAddresses) : null,
      macAddressSpoofing: n.macAddressSpoofing, dhcpGuard: n.dhcpGuard, routerGuard: n.routerGuard,
    })),
    automaticStartAction: f.automaticStartAction,
    automaticStartDelaySeconds: number(f.automaticStartDelaySeconds),
    automaticStopAction: f.automaticStopAction,
    crashAction: f.crashAction,
    integrationServices: { enabled: SERVICES.map(([s]) => s).filter((s) => f.services[s]) },
    notes: f.notes,
  };
  return { settings, fields };
}

/** Only the top-level settings whose value differs (a change request sends what changes). */
export function changedSettings(before, after) {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
}

/**
 * The host's field errors placed on the form: `byId` (input id to messages) and `list` (every
 * message, with the input it belongs to when there is one). A path with no input of its own
 * goes to its nearest parent that has one (ideDrives[2] to that disk's path).
 */
export function placeErrors(errors, fields) {
  const byId = {};
  const list = errors.map((e) => {
    const id = nearestField(e.field, fields);
    if (id) (byId[id] ??= []).push(e.message);
    return { message: e.message, id };
  });
  return { byId, list };
}

function nearestField(path, fields) {
  while (path) {
    if (fields[path]) return fields[path];
    const parent = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (parent === path) return null;
    path = parent;
  }
  return null;
}
