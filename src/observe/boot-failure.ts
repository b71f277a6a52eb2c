// Fail fast: when an enforced CSP stops the app's own boot — its inline bootstrap script or an entry
// module (as its profile marks them), or (any app) every script file of its own origin — no step of the journey can pass, and waiting out each
// step's timeout only makes the most breaking policy the slowest to test. Pure: the fixture closes
// the page with the reason returned here.
import { effectiveSources, isHashOrNonce, type CspDirectives } from '../policy/csp.js';
import { sampleMatches, type InlineBlock } from '../proxy/inline-scripts.js';
import type { Violation } from './violation.js';


/** Whether an enforced script-src(-elem) lets an inline script with this hash run. */
export function allowsInlineScript(directives: CspDirectives, hash: string): boolean {
  const sources = effectiveSources(directives, 'script-src-elem');
  if (!sources) return true;
  if (sources.includes(hash)) return true;
  // 'unsafe-inline' is ignored once a hash or nonce is present (CSP2+), and under 'strict-dynamic'.
  return sources.includes("'unsafe-inline'") && !sources.some((s) => isHashOrNonce(s)) && !sources.includes("'strict-dynamic'");
}

/**
 * Whether an enforced script-src(-elem) could let some script file of the app's own origin load.
 * Conservative: anything that might (a nonce, a hash, 'strict-dynamic', a scheme or host that
 * matches, '*') counts as yes — only a list that certainly allows none of them answers no.
 */
export function allowsOwnScripts(directives: CspDirectives, appOrigin: string): boolean {
  const sources = effectiveSources(directives, 'script-src-elem');
  if (!sources) return true;
  const origin = new URL(appOrigin);
  return sources.some((raw) => {
    const s = raw.toLowerCase();
    if (s === "'self'" || s === '*' || s === "'strict-dynamic'" || isHashOrNonce(raw)) return true;
    if (s === "'none'" || (s.startsWith("'") && s.endsWith("'"))) return false; // 'unsafe-inline', 'unsafe-eval', 'wasm-unsafe-eval', …
    if (/^[a-z][a-z0-9+.-]*:$/.test(s)) return s === origin.protocol || (s === 'http:' && origin.protocol === 'https:');
    const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:]+)(?::(\d+|\*))?/.exec(s);
    if (!m) return true;
    const [, scheme, wild, host, port] = m;
    if (scheme && scheme !== origin.protocol.slice(0, -1) && !(scheme === 'http' && origin.protocol === 'https:')) return false;
    const hostOk = wild ? origin.hostname.endsWith(`.${host}`) : origin.hostname === host;
    const portOk = port === '*' || (port ?? (origin.protocol === 'https:' ? '443' : '80')) === (origin.port || (origin.protocol === 'https:' ? '443' : '80'));
    return hostOk && portOk;
  });
}

export interface BootContext {
  /** The enforced CSP of the policy under test (none: nothing can block the boot). */
  enforced?: CspDirectives;
  /** Inline blocks the proxy saw in the HTML served so far. */
  inlineBlocks: InlineBlock[];
  /** The origin the browser uses for the app. */
  appOrigin: string;
  /** The paths of the app's entry modules (its profile's): one blocked stops the boot. */
  entryModule?: RegExp;
}

/** Why the app cannot boot, when this violation shows that it cannot; else undefined. */
export function bootBlockedReason(v: Violation, ctx: BootContext): string | undefined {
  if (!ctx.enforced || v.kind !== 'csp' || v.disposition !== 'enforce') return undefined;
  if (v.directive !== 'script-src-elem' && v.directive !== 'script-src') return undefined;
  if (v.blockedUrl === 'inline') {
    // Only the bootstrap's own violation decides (its sample names it): closing the page on an earlier
    // blocked script (a theme script) would drop the bootstrap's violation from the run, so the
    // same policy would report one violation in one run and two in the next.
    const bootstrap = ctx.inlineBlocks.find((b) => b.kind === 'script' && b.buildSpecific && !allowsInlineScript(ctx.enforced!, b.hash)
      && sampleMatches(b, v.sample));
    return bootstrap
      ? `the app cannot boot: the enforced CSP (${v.directive}) blocks its inline bootstrap script (${bootstrap.hash}, changes with every app build)`
      : undefined;
  }
  try {
    const url = new URL(v.blockedUrl);
    if (url.origin === ctx.appOrigin && ctx.entryModule?.test(url.pathname)) {
      return `the app cannot boot: the enforced CSP (${v.directive}) blocks its entry module ${url.pathname}`;
    }
    // Any app: a script file of its own origin was blocked, and the policy lets none load from there.
    if (url.origin === ctx.appOrigin && !allowsOwnScripts(ctx.enforced, ctx.appOrigin)) {
      return `the app cannot boot: the enforced CSP (${v.directive}) lets no script file load from the app's own origin (blocked ${url.pathname})`;
    }
  } catch {
    // not a URL: eval, wasm-eval, data, blob — not the boot
  }
  return undefined;
}
