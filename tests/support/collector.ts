// `headerproof collect` as a child process (so a test can kill -9 it), and a small report client.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { waitForPort } from './ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CollectorProcess { proc: ChildProcess; url: string; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<void> }

export async function startCollectorProcess(args: string[], port: number, env: NodeJS.ProcessEnv = {}): Promise<CollectorProcess> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/headerproof.mjs'), 'collect', '--listen', `127.0.0.1:${port}`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  await waitForPort(port, 20_000).catch((err) => { throw new Error(`collect did not start: ${err.message}\n${out}`); });
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: (signal = 'SIGTERM') => new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    }),
  };
}

/** POSTs a body; resolves with the status (0 when the connection failed). */
export function post(url: string, contentType: string, body: string, options: { agent?: http.Agent; localAddress?: string; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent: options.agent, localAddress: options.localAddress, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...options.headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Peak and current resident memory of a process, in MiB (Linux /proc). */
export async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const { readFileSync } = await import('node:fs');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
