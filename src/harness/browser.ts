// How headerproof launches Chromium: Playwright's own build when installed, else Debian's
// /usr/bin/chromium (the only browser a machine without browser downloads can have).
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from 'playwright';

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

/** Playwright's bundled Chromium if it is installed, else the first system Chromium found. */
export function chromiumExecutable(): string | undefined {
  if (process.env.HEADERPROOF_CHROMIUM) return process.env.HEADERPROOF_CHROMIUM;
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // Playwright has no browser of its own here.
  }
  return SYSTEM_CHROMIUM.find((p) => existsSync(p));
}

/** A non-loopback name the browser uses for the proxy (HEADERPROOF_BROWSER_HOST), if any. */
export function browserHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.HEADERPROOF_BROWSER_HOST?.trim().toLowerCase();
  if (!host) return undefined;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(host)) {
    throw new Error(`HEADERPROOF_BROWSER_HOST: "${host}" is not a host name such as immich.lab.test`);
  }
  return host;
}

/**
 * Origin-preserving mode: this browser resolves the target's name (that name only) to the proxy
 * and trusts exactly the proxy's throwaway key (not any other certificate error).
 */
export function originPreservingArgs(hostname: string, proxyPort: number, spkiSha256: string): string[] {
  return [`--host-resolver-rules=MAP ${hostname} 127.0.0.1:${proxyPort}`, `--ignore-certificate-errors-spki-list=${spkiSha256}`];
}

export function chromiumLaunchOptions(extraArgs: string[] = []): LaunchOptions {
  const executablePath = chromiumExecutable();
  const host = browserHost();
  // The name resolves to loopback inside this browser only; the proxy accepts it as its Host.
  const resolver = host ? [`--host-resolver-rules=MAP ${host} 127.0.0.1`] : [];
  return { ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS, ...resolver, ...extraArgs] };
}
