// A section of a journey that must not overlap the same section of another journey against the same
// target (its workers and engines share one staging host): e.g. two journeys that create and delete
// the app's budget files would see and delete each other's. One lock folder per target and name in
// the system's temporary folder (mkdir is atomic); a lock older than `staleMs` is taken over.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function lockTarget(targetUrl: string, name: string, options: { timeoutMs?: number; staleMs?: number } = {}): Promise<() => void> {
  const dir = path.join(os.tmpdir(), `headerproof-lock-${createHash('sha256').update(`${targetUrl}\u0000${name}`).digest('hex').slice(0, 16)}`);
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  const staleMs = options.staleMs ?? 300_000;
  for (;;) {
    try {
      mkdirSync(dir);
      return () => rmSync(dir, { recursive: true, force: true });
    } catch {
      try {
        if (Date.now() - statSync(dir).mtimeMs > staleMs) rmSync(dir, { recursive: true, force: true });
      } catch { /* released meanwhile */ }
      if (Date.now() > deadline) throw new Error(`another journey held "${name}" on ${targetUrl} for ${(options.timeoutMs ?? 180_000) / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
