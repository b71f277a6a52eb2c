// Fail fast: when an enforced CSP stops the app's own boot — its inline bootstrap script, or an
// entry module under /_app/immutable/entry/ — no step of the journey can pass, and waiting out each
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

export interface BootContext {
  /** The enforced CSP of the policy under test (none: nothing can block the boot). */
  enforced?: CspDirectives;
  /** Inline blocks the proxy saw in the HTML served so far. */
  inlineBlocks: InlineBlock[];
  /** The origin the browser uses for the app. */
  appOrigin: string;
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
    if (url.origin === ctx.appOrigin && url.pathname.startsWith('/_app/immutable/entry/')) {
      return `the app cannot boot: the enforced CSP (${v.directive}) blocks its entry module ${url.pathname}`;
    }
  } catch {
    // not a URL: eval, wasm-eval, data, blob — not the boot
  }
  return undefined;
}
