// From observed violations to the smallest CSP that allows exactly them. Pure: tune.ts feeds it
// the violations of a report-only (or enforced) run and the inline blocks the proxy hashed.
import { effectiveSources, type CspDirectives } from '../policy/csp.js';
import type { ViolationGroup } from '../observe/violation.js';
import type { InlineBlock } from '../proxy/inline-scripts.js';

export interface SourceNote {
  directive: string;
  source: string;
  journeys: string[];
  /** Why this source, for people reading the policy (e.g. which inline script a hash is). */
  note?: string;
  /** Production reports (headerproof collect) that asked for it, and on which page patterns. */
  reports?: { count: number; pages: string[] };
}

/** The journey name report-derived violations carry (tune --from-reports). */
export const PRODUCTION = 'production';

export interface Synthesis {
  directives: CspDirectives;
  notes: SourceNote[];
  /** Needs a person: things no source expression can allow safely. */
  warnings: string[];
}

/** The starting point of tune: nothing allowed, everything reported. */
export const STRICT_START: CspDirectives = { 'default-src': ["'none'"] };

/** Safe defaults that are not fetch directives (they never fall back to default-src). */
export const SAFE_DEFAULTS: CspDirectives = {
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
};

const DIRECTIVE_ORDER = [
  'default-src', 'script-src', 'script-src-attr', 'style-src', 'style-src-attr', 'img-src', 'font-src', 'connect-src',
  'media-src', 'worker-src', 'manifest-src', 'frame-src', 'child-src', 'object-src', 'base-uri', 'form-action', 'frame-ancestors',
];

/** Effective directive (as browsers report it) → the directive a policy should carry it in. */
function policyDirective(effective: string): string {
  if (effective === 'script-src-elem') return 'script-src';
  if (effective === 'style-src-elem') return 'style-src';
  return effective;
}

function sourceFor(v: ViolationGroup): string | undefined {
  const b = v.blockedUrl;
  if (b === 'data' || b === 'blob' || b === 'mediastream' || b === 'filesystem') return `${b}:`;
  if (b === 'wasm-eval') return "'wasm-unsafe-eval'";
  if (b === 'eval') return "'unsafe-eval'";
  let url: URL;
  try {
    url = new URL(b);
  } catch {
    return undefined;
  }
  let page: URL | undefined;
  try {
    page = new URL(v.pageUrl);
  } catch {
    page = undefined;
  }
  // 'self' also matches ws:/wss: to the same host in CSP3 browsers.
  const sameHost = page && url.hostname === page.hostname && (url.port || defaultPort(url.protocol)) === (page.port || defaultPort(page.protocol));
  if (page && (url.origin === page.origin || (sameHost && /^wss?:$/.test(url.protocol)))) return "'self'";
  return url.origin;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' || protocol === 'wss:' ? '443' : '80';
}

export interface SynthesisInput {
  violations: ViolationGroup[];
  inlineBlocks: InlineBlock[];
}

/**
 * Sources needed to allow every observed CSP violation, per directive (no defaults). Inline
 * scripts and styles become hashes of the blocks the proxy served to the journeys that needed them.
 */
export function neededSources(input: SynthesisInput): Synthesis {
  const directives: CspDirectives = {};
  const notes = new Map<string, SourceNote>();
  const warnings: string[] = [];
  const add = (directive: string, source: string, v: ViolationGroup, note?: string) => {
    const list = (directives[directive] ??= []);
    if (!list.includes(source)) list.push(source);
    const key = `${directive} ${source}`;
    const n = notes.get(key) ?? { directive, source, journeys: [], ...(note ? { note } : {}) };
    if (v.journey === PRODUCTION) {
      const page = (() => { try { return new URL(v.pageUrl).pathname; } catch { return v.pageUrl; } })();
      n.reports = { count: (n.reports?.count ?? 0) + v.count, pages: [...new Set([...(n.reports?.pages ?? []), page])] };
    } else if (!n.journeys.includes(v.journey)) n.journeys.push(v.journey);
    notes.set(key, n);
  };
  for (const v of input.violations.filter((x) => x.kind === 'csp' && x.directive)) {
    const directive = policyDirective(v.directive);
    if (v.blockedUrl === 'inline') {
      if (directive === 'style-src-attr') {
        add('style-src-attr', "'unsafe-inline'", v, 'style="…" attributes (cannot be hashed without unsafe-hashes)');
        continue;
      }
      if (directive === 'script-src-attr') {
        warnings.push(`inline event handlers (${v.source || v.pageUrl}) need 'unsafe-hashes' with each handler's hash; move them into scripts instead`);
        continue;
      }
      const kind = directive === 'style-src' ? 'style' : 'script';
      // One entry per distinct hash, named after the shortest page path it was seen on.
      const byHash = new Map<string, InlineBlock>();
      for (const b of input.inlineBlocks.filter((x) => x.kind === kind)) {
        const seen = byHash.get(b.hash);
        if (!seen || b.path.length < seen.path.length) byHash.set(b.hash, b);
      }
      const blocks = [...byHash.values()];
      if (!blocks.length) warnings.push(`an inline ${kind} in ${v.pageUrl} was blocked but the proxy saw no inline ${kind} to hash (was the page served from a cache?)`);
      for (const b of blocks) {
        add(directive, b.hash, v, `inline ${kind} (seen on ${b.path}): "${b.sample.replace(/\s+/g, ' ').slice(0, 40)}"${b.buildSpecific ? ' — changes with every app build' : ''}`);
      }
      continue;
    }
    const source = sourceFor(v);
    if (!source) {
      warnings.push(`cannot express ${v.blockedUrl} (${v.directive}) as a source`);
      continue;
    }
    if (source === "'unsafe-eval'") warnings.push(`'unsafe-eval' needed by ${v.journey} (${v.source || v.pageUrl}); find and remove the eval if you can`);
    add(source === "'wasm-unsafe-eval'" || source === "'unsafe-eval'" ? 'script-src' : directive, source, v);
  }
  return { directives, notes: [...notes.values()], warnings };
}

function ordered(d: CspDirectives): CspDirectives {
  const keys = Object.keys(d).sort((a, b) => (DIRECTIVE_ORDER.indexOf(a) + 1 || 99) - (DIRECTIVE_ORDER.indexOf(b) + 1 || 99));
  return Object.fromEntries(keys.map((k) => [k, d[k]!]));
}

/** The first synthesized policy: default-src 'none', exactly the needed sources, safe defaults. */
export function synthesize(input: SynthesisInput): Synthesis {
  const needed = neededSources(input);
  return { ...needed, directives: ordered({ ...STRICT_START, ...needed.directives, ...SAFE_DEFAULTS }) };
}

/**
 * Widens `base` by `additions` only where needed. A directive missing from `base` starts from the
 * sources it used to fall back to, so adding it never narrows what was allowed before.
 */
export function widen(base: CspDirectives, additions: CspDirectives): CspDirectives {
  const out: CspDirectives = { ...base };
  for (const [directive, sources] of Object.entries(additions)) {
    const start = out[directive] ?? (directive === 'default-src' ? [] : (effectiveSources(base, directive) ?? []));
    const merged = [...start.filter((s) => s !== "'none'"), ...sources.filter((s) => !start.includes(s))];
    out[directive] = merged;
  }
  return ordered(out);
}
