// Starting an installed real app (Node-RED, Actual, …) for a run: its own data folder, a free port on
// 127.0.0.1, its own process group (stopped as a whole), and ready when its URL answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FROM_SOURCE, PACKAGE_ROOT } from '../paths.js';

export class LaunchError extends Error {}

/** Where a real app's pinned copy installs (its package.json and lockfile travel in the package). */
export function realAppDir(folder: string): string {
  return path.join(PACKAGE_ROOT, 'real-apps', folder);
}

/** How to install a real app's pinned copy: the clone's setup script, or npm ci in the package's folder. */
export function installHint(folder: string): string {
  return FROM_SOURCE
    ? `run scripts/setup.sh (it installs real-apps/${folder} from the npm registry)`
    : `run npm ci --prefix ${realAppDir(folder)} (it installs the pinned copy from the npm registry)`;
}

/** The installed app's executable (scripts/setup.sh installs real-apps/<folder> from its lockfile). */
export function installedBin(folder: string, bin: string, title: string): string {
  const file = path.join(realAppDir(folder), 'node_modules', '.bin', bin);
  if (!existsSync(file)) throw new LaunchError(`${title} is not installed: ${installHint(folder)}, or give a running ${title} with --target`);
  return file;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Spawned { port: number; dataDir: string; child: ChildProcess; stop(): Promise<void> }

/**
 * Starts `bin` with args/env made from the port and a fresh data folder, and waits (up to timeoutMs)
 * until GET readyPath on 127.0.0.1:port answers. The app's output is kept for the error message.
 */
export async function spawnApp(options: { title: string; bin: string; args(port: number, dataDir: string): string[]; env(port: number, dataDir: string): NodeJS.ProcessEnv; prepare?(dataDir: string, port: number): void; readyPath: string; timeoutMs?: number }): Promise<Spawned> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `headerproof-${options.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-`));
  options.prepare?.(dataDir, port);
  const child = spawn(options.bin, options.args(port, dataDir), { env: { ...process.env, ...options.env(port, dataDir) }, cwd: dataDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  const stop = async () => {
    if (exited === undefined && child.pid) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    const ok = await fetch(`http://127.0.0.1:${port}${options.readyPath}`).then((r) => r.status < 500, () => false);
    if (ok) return { port, dataDir, child, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new LaunchError(`${options.title} did not start${exited !== undefined ? ` (exited ${exited})` : ` within ${(options.timeoutMs ?? 60_000) / 1000} s`}:\n${output.trim().split('\n').slice(-15).join('\n')}`);
}
