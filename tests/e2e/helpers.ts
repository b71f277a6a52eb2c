// Shared plumbing for headerproof's own end-to-end tests: run the real CLI as a child process.
import { spawn } from 'node:child_process';
import path from 'node:path';

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

function runNode(entry: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_TEST|PLAYWRIGHT_|FORCE_COLOR)/.test(k)));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
