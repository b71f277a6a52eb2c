// `headerproof doctor`: is this machine ready, and is the target? Each check says what it found and,
// when something is missing, exactly what to install or set. Exit 1 when a check fails (a run could
// not work); warnings are for what only some runs need (Firefox, Xvfb, the edges, the local apps).
import { INSTALLED_APPS } from '../apps/shipped.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { browserMachineFromEnv } from '../config/run-plan.js';
import { chromiumLaunchOptions, chromiumExecutable, firefoxExecutable, firefoxMajor, firefoxProblem } from '../harness/browser.js';
import { hasXvfb } from '../harness/display.js';
import { ConfigError, flagsToEnv, resolveSettings, type TargetFlags } from '../config/config.js';
import { credentialHint } from '../apps/credentials.js';
import { checkReachable, UnreachableError } from '../run/run.js';
import { installHint, realAppDir } from '../apps/launch.js';
import { FROM_SOURCE } from '../paths.js';

export interface Check { name: string; status: 'ok' | 'warn' | 'fail'; found: string; fix?: string }

const MIN_NODE_MAJOR = 20;
const which = (bin: string, dirs = ['/usr/sbin', '/usr/bin', '/usr/local/bin']) => dirs.map((d) => path.join(d, bin)).find((p) => existsSync(p));

export async function doctorChecks(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push(major >= MIN_NODE_MAJOR
    ? { name: 'Node.js', status: 'ok', found: process.versions.node }
    : { name: 'Node.js', status: 'fail', found: process.versions.node, fix: `Node.js ${MIN_NODE_MAJOR} or later (apt-get install nodejs from Debian 13, or nodejs.org)` });

  // Chromium: found, and it starts.
  const machine = browserMachineFromEnv(env);
  const exe = chromiumExecutable(machine);
  try {
    const browser = await chromium.launch({ ...chromiumLaunchOptions([], machine), timeout: 30_000 });
    checks.push({ name: 'Chromium', status: 'ok', found: `${browser.version()} (${exe ?? "Playwright's own"})` });
    await browser.close();
  } catch (err) {
    checks.push({ name: 'Chromium', status: 'fail', found: exe ? `${exe} does not start: ${(err as Error).message.split('\n')[0]}` : 'not installed',
      fix: `${FROM_SOURCE ? 'run scripts/setup.sh (as root it installs Debian\'s chromium), or ' : ''}apt-get install chromium (Debian/Ubuntu), or npx playwright install chromium, or point HEADERPROOF_CHROMIUM at a Chromium binary` });
  }

  const ffProblem = firefoxProblem(machine);
  const ff = firefoxExecutable(machine);
  checks.push(ffProblem
    ? { name: 'Firefox (for --browsers firefox)', status: 'warn', found: ff ?? 'not installed', fix: ffProblem }
    : { name: 'Firefox (for --browsers firefox)', status: 'ok', found: `${ff} (Firefox ${firefoxMajor(ff!) ?? '?'})` });
  checks.push(hasXvfb()
    ? { name: 'Xvfb (WebGL for Firefox\'s map journeys)', status: 'ok', found: 'installed' }
    : { name: 'Xvfb (WebGL for Firefox\'s map journeys)', status: 'warn', found: 'not installed', fix: 'apt-get install xvfb (without it Firefox runs headless, without WebGL: its map journeys cannot pass)' });
  for (const [name, bin, pkg] of [['nginx (export tests, benchmarks)', 'nginx', 'nginx-light'], ['Caddy (export tests)', 'caddy', 'caddy']] as const) {
    const found = which(bin);
    checks.push(found ? { name, status: 'ok', found } : { name, status: 'warn', found: 'not installed', fix: `apt-get install ${pkg}` });
  }
  for (const app of INSTALLED_APPS) {
    const dir = path.join(realAppDir(app), 'node_modules');
    checks.push(existsSync(dir)
      ? { name: `local ${app} (--app ${app} without --target)`, status: 'ok', found: path.relative(process.cwd(), dir) || dir }
      : { name: `local ${app} (--app ${app} without --target)`, status: 'warn', found: 'not installed', fix: installHint(app) });
  }

  // The target: the config file and environment read as a run reads them, then one request.
  try {
    const settings = await resolveSettings(process.cwd(), { ...env, ...flagsToEnv(flags) }, { needCredentials: false });
    if (!settings.url) {
      checks.push({ name: 'target', status: 'ok', found: `none named: runs use the local copy of ${settings.app}` });
    } else {
      try {
        await checkReachable(settings);
        checks.push({ name: 'target', status: 'ok', found: `${settings.url} answers` });
      } catch (err) {
        if (!(err instanceof UnreachableError)) throw err;
        checks.push({ name: 'target', status: 'fail', found: err.message, fix: 'check the URL, that the host is up and reachable from here (--connect-to for split DNS), and its certificate (--ca-file / --insecure)' });
      }
      checks.push(settings.credentials
        ? { name: 'test user', status: 'ok', found: 'apiKey' in settings.credentials ? 'an API key' : `user ${settings.credentials.user ?? '(password only)'}` }
        : { name: 'test user', status: 'fail', found: 'none', fix: credentialHint(settings.app) });
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({ name: 'configuration', status: 'fail', found: err.message.split('\n')[0]!, fix: err.message.split('\n').slice(1).map((l) => l.trim()).join('; ') });
  }
  return checks;
}

export function renderChecks(checks: Check[]): string {
  const mark = { ok: '✓', warn: '!', fail: '✗' } as const;
  const lines = checks.map((c) => `${mark[c.status]} ${c.name}: ${c.found}${c.fix ? `\n    fix: ${c.fix}` : ''}`);
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  return `${lines.join('\n')}\n\n${failed ? `${failed} problem(s) stop a run` : 'ready'}${warned ? `; ${warned} warning(s) for what some runs need` : ''}\n`;
}
