// From observed violations to the smallest CSP that allows exactly them. Pure: tune.ts feeds it
// the violations of a report-only (or enforced) run and the inline blocks the proxy hashed.
import { effectiveSources, isHashOrNonce, type CspDirectives } from '../policy/csp.js';
import type { ViolationGroup } from '../observe/violation.js';
import { sampleMatches, type InlineBlock } from '../proxy/inline-scripts.js';

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
  /**
   * Inline code no hash can allow: a production report of an inline style or script that matches
   * no block the journeys captured (its 40-character sample cannot be hashed).
   */
  unhashable: ViolationGroup[];
  /**
   * Inline event handlers blocked where their text could not be read (set by code on an element
   * not in the document, so the browser fired the report at the document and the proxy served no
   * such markup): no hash can name them.
   */
  unreadableHandlers: ViolationGroup[];
}

/** What `'unsafe-inline'` in style-src-elem costs, written wherever tune proposes it. */
export const UNSAFE_STYLES_COST =
  "style-src-elem 'unsafe-inline' lets any injected <style> element apply (CSS injection can restyle the page or leak attribute values through selectors); scripts stay hash-only, and style=\"…\" attributes are governed by style-src-attr";

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
  'default-src', 'script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'style-src-elem', 'style-src-attr', 'img-src', 'font-src', 'connect-src',
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
  const unhashable: ViolationGroup[] = [];
  const unreadableHandlers: ViolationGroup[] = [];
  const add = (directive: string, source: string, v: ViolationGroup, note?: string, credit = true) => {
    const list = (directives[directive] ??= []);
    if (!list.includes(source)) list.push(source);
    const key = `${directive} ${source}`;
    const n = notes.get(key) ?? { directive, source, journeys: [], ...(note ? { note } : {}) };
    notes.set(key, n);
    if (!credit) return;
    if (v.journey === PRODUCTION) {
      const page = (() => { try { return new URL(v.pageUrl).pathname; } catch { return v.pageUrl; } })();
      n.reports = { count: (n.reports?.count ?? 0) + v.count, pages: [...new Set([...(n.reports?.pages ?? []), page])] };
    } else if (!n.journeys.includes(v.journey)) n.journeys.push(v.journey);
    notes.set(key, n);
  };
  for (const v of input.violations.filter((x) => x.kind === 'csp' && x.directive)) {
    const directive = policyDirective(v.directive);
    // Firefox reports some blocked attributes (handlers, style="…") with no blocked URI at all.
    if (v.blockedUrl === 'inline' || (v.blockedUrl === '' && directive.endsWith('-attr'))) {
      if (directive === 'style-src-attr') {
        add('style-src-attr', "'unsafe-inline'", v, 'style="…" attributes (cannot be hashed without unsafe-hashes)');
        continue;
      }
      if (directive === 'script-src-attr') {
        // Inline event handlers: 'unsafe-hashes' with the hash of each handler the browser blocked
        // (their exact text read from the element), in script-src-attr only.
        let handlers = [...new Map(input.inlineBlocks.filter((b) => b.kind === 'handler').map((b) => [b.hash, b])).values()];
        // With a sample, the handlers it names (none: one that no page or served HTML showed).
        if (v.journey === PRODUCTION || v.sample.trim()) handlers = handlers.filter((b) => sampleMatches(b, v.sample));
        if (!handlers.length) {
          if (v.journey === PRODUCTION) unhashable.push(v);
          else unreadableHandlers.push(v);
          continue;
        }
        add('script-src-attr', "'unsafe-hashes'", v, UNSAFE_HASHES_NOTE);
        for (const b of handlers) add('script-src-attr', b.hash, v, blockNote(b));
        continue;
      }
      const kind = directive === 'style-src' ? 'style' : 'script';
      // One entry per distinct hash, named after the shortest page path it was seen on: the blocks
      // the proxy saw in served HTML, and those the browser captured as inserted at run time.
      const byHash = new Map<string, InlineBlock>();
      // A fetched script file counts only where the violation's sample is its start (its text was run inline).
      const sampled = v.sample.trim() !== '';
      for (const b of input.inlineBlocks.filter((x) => x.kind === kind && (!x.fetched || (sampled && sampleMatches(x, v.sample))))) {
        const seen = byHash.get(b.hash);
        if (!seen || b.path.length < seen.path.length) byHash.set(b.hash, b);
      }
      let blocks = [...byHash.values()];
      // A production report carries only a sample: it is allowed by the blocks it matches, and
      // when it matches none (code the journeys never reached, or text that changes), no hash can.
      if (v.journey === PRODUCTION) {
        blocks = blocks.filter((b) => sampleMatches(b, v.sample));
        if (!blocks.length) {
          unhashable.push(v);
          continue;
        }
      }
      if (!blocks.length) warnings.push(`an inline ${kind} in ${v.pageUrl} was blocked but the proxy saw no inline ${kind} to hash (was the page served from a cache?)`);
      // Every block seen is allowed (a group keeps one sample for all the blocks one line of code
      // inserts); the journey is credited with the blocks its violation names, by sample or by the
      // inserting script, or with all of them when it names none.
      const named = blocks.filter((b) => names(v, b));
      for (const b of blocks) add(directive, b.hash, v, blockNote(b), !named.length || named.includes(b));
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
  return { directives, notes: [...notes.values()], warnings, unhashable, unreadableHandlers };
}

/**
 * Whether a violation names this block: its sample starts the block; without a sample, a runtime
 * block is named by a violation from its inserting script, a served block by one from a page's HTML.
 */
function names(v: ViolationGroup, b: InlineBlock): boolean {
  if (v.sample.trim()) return sampleMatches(b, v.sample);
  if (b.runtime) return Boolean(b.source && v.source && (v.source.endsWith(b.source) || v.source.includes(`${b.source}:`)));
  return !/\.m?js(?::\d+){0,2}$/.test(v.source);
}

/** What 'unsafe-hashes' in script-src-attr allows, next to the handlers' hashes. */
export const UNSAFE_HASHES_NOTE = "inline event handlers (onclick=\"…\"), each allowed by its hash: only handlers with exactly these texts run; script elements are not affected";

/** What a hash stands for, for people reading the tuned policy. */
function blockNote(b: InlineBlock): string {
  if (b.fetched) return `script file ${b.path}, fetched and run as an inline script's text: "${b.sample.replace(/\s+/g, ' ').slice(0, 40)}" — changes when that file does (an app upgrade)`;
  if (b.kind === 'handler') return `inline event handler ${b.attribute ?? ''} (seen on ${b.path}): "${b.sample.replace(/\s+/g, ' ').slice(0, 40)}"`.replace('handler  (', 'handler (');
  const sample = `"${b.sample.replace(/\s+/g, ' ').slice(0, 40)}"`;
  if (b.runtime) {
    return `${b.kind} inserted at run time${b.inShadowRoot ? ' into a shadow root' : ''}${b.source ? ` by ${b.source}` : ''} (seen on ${b.path}): ${sample}${b.buildSpecific ? ' — changes with every app build' : ''}`;
  }
  return `inline ${b.kind} (seen on ${b.path}): ${sample}${b.buildSpecific ? ' — changes with every app build' : ''}`;
}

/**
 * Runtime blocks blocked again under a policy that already allows a block from the same inserting
 * code: their text changes from run to run (or page to page), so no hash can hold them.
 */
export function unstableRuntimeBlocks(blocked: InlineBlock[], allowed: CspDirectives, known: InlineBlock[]): InlineBlock[] {
  return blocked.filter((b) => {
    if (!b.runtime) return false;
    const sources = effectiveSources(allowed, b.kind === 'style' ? 'style-src-elem' : 'script-src-elem') ?? [];
    if (sources.includes(b.hash)) return true; // allowed by hash and still blocked: the hash does not hold
    return known.some((k) => k.runtime && k.kind === b.kind && k.hash !== b.hash && sources.includes(k.hash)
      && (k.source && b.source ? k.source === b.source : squashed(k.sample).slice(0, 20) === squashed(b.sample).slice(0, 20)));
  });
}

const squashed = (t: string) => t.replace(/\s+/g, ' ').trim();

/**
 * The narrowest allowance for styles no hash can hold: `'unsafe-inline'` in style-src-elem only
 * (its hashes dropped there, since a hash makes browsers ignore 'unsafe-inline'), keeping every
 * other source it had; style-src, script-src and style-src-attr are left as they are.
 */
export function allowInlineStyleElements(directives: CspDirectives): CspDirectives {
  const current = effectiveSources(directives, 'style-src-elem') ?? [];
  const kept = current.filter((s) => s !== "'none'" && !isHashOrNonce(s) && s !== "'unsafe-inline'");
  return ordered({ ...directives, 'style-src-elem': [...kept, "'unsafe-inline'"] });
}

/** What `'unsafe-inline'` in script-src-elem costs, written wherever tune proposes it. */
export const UNSAFE_SCRIPTS_COST =
  "script-src-elem 'unsafe-inline' lets any injected <script> element run: an HTML injection becomes script execution, so the CSP no longer stops that kind of XSS; script files still load only from the listed sources, and event handlers stay hash-only (script-src-attr)";

/**
 * The narrowest allowance for scripts no hash can hold (their text changes between runs):
 * `'unsafe-inline'` in script-src-elem only, its hashes dropped there (a hash or nonce makes
 * browsers ignore 'unsafe-inline'), every other source kept; script-src-attr keeps its own.
 */
export function allowInlineScriptElements(directives: CspDirectives): CspDirectives {
  const current = effectiveSources(directives, 'script-src-elem') ?? [];
  const kept = current.filter((s) => s !== "'none'" && !isHashOrNonce(s) && s !== "'unsafe-inline'" && s !== "'strict-dynamic'");
  const out: CspDirectives = { ...directives, 'script-src-elem': [...kept, "'unsafe-inline'"] };
  // Handlers fell back to script-src: they keep exactly that (its hashes), not the new allowance.
  if (!out['script-src-attr']) out['script-src-attr'] = effectiveSources(directives, 'script-src-attr') ?? ["'none'"];
  return ordered(out);
}

/** What `'unsafe-inline'` in script-src-attr costs, written wherever tune proposes it. */
export const UNSAFE_HANDLERS_COST =
  "script-src-attr 'unsafe-inline' lets any inline event handler run: markup injected into the page with onclick=\"…\" or onerror=\"…\" executes; <script> elements stay governed by script-src-elem (hashes and listed files only)";

/**
 * The narrowest allowance for inline event handlers no hash can name: `'unsafe-inline'` in
 * script-src-attr only ('unsafe-hashes' and hashes dropped there); script elements keep what they had.
 */
export function allowInlineHandlers(directives: CspDirectives): CspDirectives {
  const out: CspDirectives = { ...directives, 'script-src-attr': ["'unsafe-inline'"] };
  // Script elements fell back to script-src: they keep exactly that.
  if (!out['script-src-elem'] && !out['script-src'] && out['default-src']) out['script-src'] = [...out['default-src']];
  return ordered(out);
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
    // A hash, nonce or 'unsafe-hashes' beside 'unsafe-inline' would make browsers ignore 'unsafe-inline'.
    // (Where a hash or nonce is already there, 'unsafe-inline' is ignored anyway: more hashes are what it needs.)
    const inlineEffective = start.includes("'unsafe-inline'") && !start.some(isHashOrNonce);
    const fresh = sources.filter((s) => !start.includes(s) && !(inlineEffective && (isHashOrNonce(s) || s === "'unsafe-hashes'")));
    const merged = [...start.filter((s) => s !== "'none'"), ...fresh];
    out[directive] = merged;
    // A policy with its own style-src-elem / script-src-elem (tune's inline-style allowance) takes
    // new sources there too, where the browser reads them; hashes only where 'unsafe-inline' is not.
    const elem = `${directive}-elem`;
    if ((directive === 'style-src' || directive === 'script-src') && out[elem]) {
      const elemSources = out[elem]!;
      const fresh = sources.filter((s) => !elemSources.includes(s) && !(isHashOrNonce(s) && elemSources.includes("'unsafe-inline'")));
      if (fresh.length) out[elem] = [...elemSources.filter((s) => s !== "'none'"), ...fresh];
    }
  }
  return ordered(out);
}
