// A real nubed for one test file: its own temporary data and runtime folders, a free TCP port
// with a bearer token, and the project's test guest's folder as a storage root. stop() ends it
// and every QEMU it started, and removes the folders (a failed test keeps its log in the output).

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
export const NUBED_DLL = process.env.NUBED_DLL ?? join(REPO, 'src/Nube.Service/bin/Release/net10.0/nubed.dll');
export const GUEST_DIR = process.env.NUBE_GUEST_DIR ?? '/var/cache/nube/guest';
const START_TIMEOUT_MS = 30_000;

/** A file of the test guest; the tests fail, never skip, when it is missing. */
export function guestFile(name) {
  const path = join(GUEST_DIR, name);
  if (!existsSync(path)) {
    throw new Error(`The test guest is missing: ${path} does not exist. Build it with guest/build.sh (scripts/test.sh does).`);
  }
  return path;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts nubed; `dll` may point at another build output (the missing-wwwroot test); `tls` serves
 * the console over https:// with the host's self-signed certificate.
 */
export async function startNubed({ dll = NUBED_DLL, tls = false } = {}) {
  if (!existsSync(dll)) throw new Error(`${dll} does not exist: build Nube first (scripts/build.sh test).`);
  // Short root: UNIX socket paths are limited to 108 bytes. QEMU (its own user) must reach the VM folders.
  const root = await mkdtemp('/tmp/nube-web-');
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const runDir = join(root, 'run');
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'host.json'), JSON.stringify({ schemaVersion: 1, storageRoots: [GUEST_DIR, root] }));
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(root, 'token');
  await writeFile(tokenFile, token, { mode: 0o600 });
  const port = await freePort();
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const socket = join(runDir, 'nubed.sock');

  const proc = spawn('dotnet', [dll, '--data-dir', dataDir, '--run-dir', runDir, '--listen', url, '--token-file', tokenFile],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));

  const nubed = {
    url, root, dataDir, runDir, socket, token,
    get log() { return log; },
    /** A request over the UNIX socket (root's way in, no token): { status, body }. */
    request: (method, path, body) => unixRequest(socket, method, path, body),
    /** The same, expecting 2xx: the parsed body. */
    async api(method, path, body) {
      const r = await unixRequest(socket, method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    /** Lines of a VM's COM1 log (nubed writes it). */
    serialText: (id) => {
      const file = join(dataDir, 'vms', id, 'com1.log');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    async stop() {
      proc.kill('SIGKILL');
      await Promise.race([exited, sleep(10_000)]);
      killQemus(runDir);
      deleteLinks(dataDir);
      await sleep(200);
      await rm(root, { recursive: true, force: true });
    },
  };
  // A test process that dies still takes its nubed and QEMUs with it.
  process.once('exit', () => {
    proc.kill('SIGKILL');
    killQemus(runDir);
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nubed exited with code ${proc.exitCode} while starting:\n${log}`);
    try {
      const r = await unixRequest(socket, 'GET', '/api/v1/host');
      if (r.status === 200) return nubed;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await nubed.stop();
      throw new Error(`nubed did not answer within ${START_TIMEOUT_MS / 1000} s:\n${log}`);
    }
    await sleep(100);
  }
}

/** Settings for a VM that boots the test guest from its kernel and initrd, COM1 as its console. */
export function guestSettings(name, extra = {}) {
  return {
    name,
    memoryStartupMiB: 512,
    boot: { kind: 'kernel', kernel: guestFile('vmlinux'), initrd: guestFile('initrd.img'), commandLine: 'console=ttyS0' },
    ...extra,
  };
}

/** Waits until the VM's COM1 log holds `text` (the guest prints NUBE-GUEST-READY once its shell runs). */
export async function waitForSerial(nubed, id, text, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!nubed.serialText(id).includes(text)) {
    if (Date.now() > deadline) {
      throw new Error(`'${text}' did not appear on the console of VM ${id} within ${timeoutMs / 1000} s:\n${nubed.serialText(id).slice(-2000)}`);
    }
    await sleep(200);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The bridges and TAPs the killed nubed made (their alias carries its host key): nothing else takes them down. */
function deleteLinks(dataDir) {
  const idFile = join(dataDir, 'host-id');
  if (!existsSync(idFile)) return;
  const prefix = `nube ${readFileSync(idFile, 'utf8').trim().replaceAll('-', '').slice(0, 8)} `;
  try {
    for (const link of JSON.parse(execFileSync('ip', ['-json', 'link', 'show'], { encoding: 'utf8' }))) {
      if (link.ifalias?.startsWith(prefix)) execFileSync('ip', ['link', 'del', 'dev', link.ifname]);
    }
    // Its ports' guards table, if it was killed with ports running.
    const key = prefix.split(' ')[1];
    execFileSync('nft', ['delete', 'table', 'bridge', `nube_ports_${key}`], { stdio: 'ignore' });
  } catch {
    // best effort: the test's own checks say what is left
  }
}

function killQemus(runDir) {
  const vmsDir = join(runDir, 'vms');
  if (!existsSync(vmsDir)) return;
  for (const id of readdirSync(vmsDir)) {
    const pidFile = join(vmsDir, id, 'pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function unixRequest(socketPath, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      socketPath, method, path,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
      timeout: 120_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let parsed = text;
        try { parsed = text ? JSON.parse(text) : null; } catch { /* a plain-text answer */ }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 120 s`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** Wraps test bodies to remember whether one failed, so that `after` can print nubed's log then. */
export function failureLog() {
  let failed = false;
  return {
    step: (fn) => async (t) => {
      try {
        await fn(t);
      } catch (e) {
        failed = true;
        throw e;
      }
    },
    dump(nubed) {
      if (failed && nubed) console.log(`---- nubed log ----\n${nubed.log}`);
    },
  };
}
