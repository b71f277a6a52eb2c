// How headerproof launches its browsers. Chromium: Playwright's own build when installed, else
// Debian's /usr/bin/chromium (the only Chromium a machine without browser downloads can have).
// Firefox: a stock Firefox (Debian's firefox-esr) over WebDriver BiDi, Playwright's "moz-firefox"
// channel; Playwright's patched Firefox build cannot be downloaded here.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { FROM_SOURCE } from '../paths.js';
import { chromium, type LaunchOptions } from 'playwright';
import type { Engine } from './engines.js';
import type { BrowserMachine } from '../config/run-plan.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // maplibre needs WebGL; headless Chromium renders it in software.
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  // Video starts without a click, as it does for a user who opened it.
  '--autoplay-policy=no-user-gesture-required',
  // Deliver Reporting API reports within ~100 ms instead of batching them for a minute.
  '--short-reporting-delay',
];

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium named by the run (HEADERPROOF_CHROMIUM), else Playwright's bundled one if installed, else the first system Chromium found. */
export function chromiumExecutable(machine: BrowserMachine = {}): string | undefined {
  if (machine.chromium) return machine.chromium;
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // Playwright has no browser of its own here.
  }
  return SYSTEM_CHROMIUM.find((p) => existsSync(p));
}

/**
 * Origin-preserving mode: this browser resolves the target's name (that name only) to the proxy
 * and trusts exactly the proxy's throwaway key (not any other certificate error).
 */
export function originPreservingArgs(hostname: string, proxyPort: number, spkiSha256: string): string[] {
  return [`--host-resolver-rules=MAP ${hostname} 127.0.0.1:${proxyPort}`, `--ignore-certificate-errors-spki-list=${spkiSha256}`];
}

export function chromiumLaunchOptions(extraArgs: string[] = [], machine: BrowserMachine = {}): LaunchOptions {
  const executablePath = chromiumExecutable(machine);
  const host = machine.browserHost;
  // The name resolves to loopback inside this browser only; the proxy accepts it as its Host.
  const resolver = host ? [`--host-resolver-rules=MAP ${host} 127.0.0.1`] : [];
  return { ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS, ...resolver, ...extraArgs] };
}

const SYSTEM_FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/** The Firefox to drive: the run's (HEADERPROOF_FIREFOX), else Debian's firefox-esr (or firefox). */
export function firefoxExecutable(machine: BrowserMachine = {}): string | undefined {
  if (machine.firefox) return machine.firefox;
  return SYSTEM_FIREFOX.find((p) => existsSync(p));
}

/**
 * The oldest Firefox that Playwright 1.64's BiDi client works with, as measured here: 140 ESR
 * fails at launch ("network.addDataCollector: unknown command"), 153 ESR works.
 */
export const MIN_FIREFOX_MAJOR = 153;

/** Firefox's major version (from `firefox --version`), or undefined when it does not answer. */
export function firefoxMajor(executable: string): number | undefined {
  const out = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 15_000 }).stdout ?? '';
  const m = /(\d+)\.\d+/.exec(out);
  return m ? Number(m[1]) : undefined;
}

/** Why Firefox cannot run here (missing or too old), with the fix; undefined when it can. */
export function firefoxProblem(machine: BrowserMachine = {}): string | undefined {
  const exe = firefoxExecutable(machine);
  if (!exe) return `Firefox is not installed: ${FROM_SOURCE ? 'run scripts/setup.sh (as root it installs Debian\'s firefox-esr), or ' : ''}apt-get install firefox-esr xvfb, or point HEADERPROOF_FIREFOX at a Firefox binary`;
  if (!existsSync(exe)) return `${exe} does not exist (HEADERPROOF_FIREFOX): point it at a Firefox binary, or unset it to use Debian's firefox-esr`;
  const major = firefoxMajor(exe);
  if (major !== undefined && major < MIN_FIREFOX_MAJOR) return `${exe} is Firefox ${major}; Playwright's WebDriver BiDi client needs Firefox ${MIN_FIREFOX_MAJOR} or later (apt-get update && apt-get install firefox-esr brings Debian's security update)`;
  return undefined;
}

/** Preferences for a Firefox that behaves like the Chromium runs: video autoplays, WebGL on. */
const FIREFOX_PREFS: Record<string, string | number | boolean> = {
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'webgl.force-enabled': true,
  // Deliver Reporting API reports promptly (Firefox batches them otherwise).
  'dom.reporting.delivering.timeout': 1,
};

export function firefoxLaunchOptions(machine: BrowserMachine = {}): LaunchOptions {
  const executablePath = firefoxExecutable(machine);
  // A window on the run's virtual display (global setup's Xvfb, or the user's own DISPLAY) has
  // WebGL; headless Firefox has none here, and the map needs it.
  const headless = !process.env.DISPLAY;
  return { channel: 'moz-firefox', ...(executablePath ? { executablePath } : {}), headless, firefoxUserPrefs: FIREFOX_PREFS };
}

export function launchOptionsFor(engine: Engine, machine: BrowserMachine = {}): LaunchOptions {
  return engine === 'firefox' ? firefoxLaunchOptions(machine) : chromiumLaunchOptions([], machine);
}
