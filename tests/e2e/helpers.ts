// Shared plumbing for headerproof's own end-to-end tests: run the real CLI as a child process.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { HAND_OFF_VARS } from '../../src/config/run-plan.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `headerproof …` with a clean environment (no Playwright test-runner variables). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode(path.join(ROOT, 'bin/headerproof.mjs'), args, env);
}

/** Runs `npx playwright …` from the project root, the way a user does. */
export function runPlaywright(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode(path.join(ROOT, 'node_modules/@playwright/test/cli.js'), args, env);
}

/**
 * This process's environment without the Playwright test runner's variables, without the run plan
 * this test run was handed (a nested run makes its own), and without any matching `drop`.
 */
export function cleanEnv(drop?: RegExp): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_TEST|PLAYWRIGHT_|FORCE_COLOR)/.test(k) && !HAND_OFF_VARS.includes(k) && !drop?.test(k)));
}

function runNode(entry: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const clean = cleanEnv();
  return new Promise((resolve) => {
    // The lab is deterministic: a journey that fails there fails the test at once, without the
    // retry `headerproof run` gives it by default (tests that want one say so: --retries).
    const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, env: { ...clean, HEADERPROOF_RETRIES: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Text of every file under dir, with zips (blob reports, the HTML report's embedded data) unpacked. */
export function allText(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const unzip = (file: string, bytes: Uint8Array) => {
    for (const [name, data] of Object.entries(unzipSync(bytes))) out.push({ file: `${file}!${name}`, text: strFromU8(data, true) });
  };
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) { walk(file); continue; }
      const bytes = readFileSync(file);
      out.push({ file, text: bytes.toString('latin1') });
      if (name.endsWith('.zip')) unzip(file, bytes);
      const embedded = /data:application\/zip;base64,([A-Za-z0-9+/=]+)/.exec(bytes.toString('latin1'))?.[1];
      if (embedded) unzip(file, Buffer.from(embedded, 'base64'));
    }
  };
  walk(dir);
  return out;
}

/** Writes a policy file `<dir>/<name>.yaml` (the name is its description too); returns its path. */
export function writePolicy(dir: string, name: string, body: object): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, YAML.stringify({ name, description: name, ...body }));
  return file;
}
