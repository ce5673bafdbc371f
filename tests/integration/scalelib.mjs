// Several idsd instances sharing sessions through Redis, behind HAProxy
// (specs/scale-out.md): starting and stopping redis-server, idsd --store
// and haproxy with deploy/haproxy.cfg on loopback ports of their own.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer, connect as netConnect } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { BIN, MODERN } from './lib.mjs';

export const HAPROXY_CFG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'haproxy.cfg');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A port that was free a moment ago (restarts listen on the same one).
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const sock = netConnect({ host: '127.0.0.1', port }, () => { sock.destroy(); resolve(true); });
    sock.on('error', () => resolve(false));
  });
}

async function waitPort(port, what, exited) {
  let gone = false;
  exited.then(() => { gone = true; });
  for (let i = 0; i < 400; i++) {
    if (gone) throw new Error(`${what} exited before listening`);
    if (await portOpen(port)) return;
    await sleep(25);
  }
  throw new Error(`${what} did not listen on ${port}`);
}

function track(proc) {
  let stderr = '';
  proc.stderr?.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return { proc, exited, stderr: () => stderr };
}

// redis-server in dir with an append-only file, so a restart (SIGTERM,
// which writes the file out) keeps every acknowledged write.
export async function startRedis(dir, port) {
  const t = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1',
                                         '--dir', dir, '--save', '', '--appendonly', 'yes',
                                         '--appendfsync', 'everysec', '--loglevel', 'warning'],
                        { stdio: ['ignore', 'ignore', 'pipe'] }));
  await waitPort(port, 'redis-server', t.exited);
  // Listening is not loaded: wait until it answers commands.
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const sock = netConnect({ host: '127.0.0.1', port }, () => sock.write('PING\r\n'));
      sock.on('data', (d) => { sock.destroy(); resolve(String(d).startsWith('+PONG')); });
      sock.on('error', () => resolve(false));
    });
    if (ok) break;
    await sleep(25);
  }
  return { ...t, port, stop: async (sig = 'SIGTERM') => { t.proc.kill(sig); return t.exited; } };
}

// One idsd --store on a fixed port.
export function startIdsd(redisPort, port, extra = []) {
  return new Promise((resolve, reject) => {
    const t = track(spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--log-level', 'error',
                                '--store', `redis://127.0.0.1:${redisPort}`, ...extra],
                          { stdio: ['ignore', 'pipe', 'pipe'] }));
    const timer = setTimeout(() => reject(new Error(`idsd did not start: ${t.stderr()}`)), 20000);
    createInterface({ input: t.proc.stdout }).on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ ...t, port, url: m[1], stop: async (sig = 'SIGTERM') => { t.proc.kill(sig); return t.exited; } });
    });
    t.exited.then((r) => { clearTimeout(timer); reject(new Error(`idsd exited (${r.code}): ${t.stderr()}`)); });
  });
}

// haproxy -f deploy/haproxy.cfg with the addresses in its environment.
export async function startHaproxy(port, idsdPorts) {
  const env = { ...process.env, IDSD_LB_BIND: `127.0.0.1:${port}` };
  idsdPorts.forEach((p, i) => { env[`IDSD_${i + 1}`] = `127.0.0.1:${p}`; });
  const t = track(spawn('haproxy', ['-db', '-f', HAPROXY_CFG], { stdio: ['ignore', 'ignore', 'pipe'], env }));
  await waitPort(port, 'haproxy', t.exited);
  // Up once its health checks passed: /healthz through it answers.
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (i > 200) throw new Error(`haproxy has no idsd up: ${t.stderr()}`);
    await sleep(25);
  }
  return { ...t, port, url: `http://127.0.0.1:${port}/mcp`, stop: async () => { t.proc.kill('SIGTERM'); return t.exited; } };
}

export async function modernClient(url, name = 'idsd-scale-test') {
  const client = new Client({ name, version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

// One property facet per edit, named after it, so the document stays valid
// and every edit can be found (and counted) afterwards.
export function editArgs(name) {
  return { spec_id: 1, location: 'requirements', property_set: 'Edits', property_name: name,
           data_type: 'IFCLABEL' };
}

export const PREPARE = [
  ['add_specification', { name: 'edits', ifc_versions: ['IFC4'] }],
  ['add_entity_facet', { location: 'applicability', entity_name: 'IFCWALL' }],
];

export function facetNames(structured) {
  return structured.specification.requirements.map((f) => f.parameters.baseName);
}
