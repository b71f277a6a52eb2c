// A suggested fix for each violation group: the smallest change to the policy that would allow it,
// and what that change costs in security, in one line. Pure.
import { effectiveSources, type CspDirectives } from '../policy/csp.js';
import { trustedTypesSample, type ViolationGroup } from '../observe/violation.js';
import type { InlineBlock } from '../proxy/inline-scripts.js';
import { neededSources, widen } from '../tune/synthesize.js';

export interface Suggestion {
  /** Which violation group (kind, directive, blocked) it answers. */
  kind: string;
  directive: string;
  blocked: string;
  journeys: string[];
  /** The change, e.g. "worker-src 'self' blob:" or "Permissions-Policy: fullscreen=(self)". */
  fix: string;
  /** One line: what allowing it costs. */
  cost: string;
  /** Where in the code, for a finding that is one per place (a Trusted Types sink call). */
  at?: string;
  /** Blocked only in journeys that passed: nothing depended on it, so leaving it blocked is safe. */
  nothingDependedOn?: boolean;
}

export interface PolicyModel {
  csp?: { reportOnly: boolean; directives: CspDirectives };
  set: Record<string, string>;
  remove: string[];
}

function cspCost(directive: string, source: string): string {
  if (source === "'unsafe-inline'") return directive.includes('attr') ? 'low: inline style attributes can restyle the page but not run script' : 'high: any injected inline script runs';
  if (source === "'unsafe-eval'") return 'high: strings become code (eval, new Function); an injection becomes execution';
  if (source === "'wasm-unsafe-eval'") return 'low: allows compiling WebAssembly, not JavaScript eval';
  if (source.startsWith("'sha")) return 'none: allows only that exact inline block (re-hash after app upgrades)';
  if (source === "'self'") return 'low: same-origin resources only';
  if (source === 'data:') return directive === 'img-src' || directive === 'font-src' ? 'low: data: images/fonts cannot run script' : 'high: data: URLs in this directive can carry script';
  if (source === 'blob:') return directive === 'worker-src' ? 'medium: any script on the page can start a worker from a blob it creates' : 'low: only object URLs the page itself created';
  if (/^https?:\/\//.test(source)) return directive === 'connect-src' ? `low: the page may send requests to ${source}` : `medium: trusts content from ${source}`;
  return 'review: widens what the page may load';
}

const inlineKind = (directive: string): 'script' | 'style' => (directive.startsWith('style-src') ? 'style' : 'script');

/**
 * CSP3: a directive holding a hash or a nonce ignores its 'unsafe-inline' (and 'strict-dynamic'
 * does too for scripts). A fix that puts one beside 'unsafe-inline' therefore blocks every inline
 * block it does not list: say so, and name what the journeys ran that it would then block.
 */
export function disablesUnsafeInline(directive: string, sources: string[], inlineBlocks: InlineBlock[]): string | undefined {
  if (!sources.includes("'unsafe-inline'")) return undefined;
  const hashes = sources.filter((x) => /^'(sha(256|384|512)-|nonce-)/.test(x));
  if (!hashes.length && !sources.includes("'strict-dynamic'")) return undefined;
  const kind = inlineKind(directive);
  const unlisted = [...new Map(inlineBlocks.filter((b) => b.kind === kind && !b.fetched && !sources.includes(b.hash)).map((b) => [b.hash, b])).values()];
  const what = unlisted.length
    ? `it would block ${unlisted.length} inline ${kind}${unlisted.length === 1 ? '' : 's'} the journeys ran (${unlisted.slice(0, 3).map((b) => `"${b.sample.replace(/\s+/g, ' ').trim().slice(0, 40)}" on ${b.path}`).join('; ')}${unlisted.length > 3 ? '; …' : ''})`
    : `every inline ${kind} it does not list would be blocked`;
  return `note: a ${hashes.length ? 'hash or nonce' : "'strict-dynamic'"} beside 'unsafe-inline' makes browsers ignore 'unsafe-inline' in ${directive}: ${what}`;
}

/**
 * Trusted Types: a sink that got a plain string (which sink, called from which script, with what), or
 * a policy name the app creates that trusted-types does not list. No source expression allows a sink:
 * the fix is the app's (a Trusted Types policy) or dropping the requirement.
 */
function trustedTypesFix(v: ViolationGroup, directives: CspDirectives): { fix: string; cost: string } {
  const { sink, value } = trustedTypesSample(v.sample);
  const where = v.source ? ` called from ${v.source}` : '';
  if (v.blockedUrl === 'trusted-types-policy') {
    const name = sink || 'the policy';
    const listed = (directives['trusted-types'] ?? []).filter((n) => n !== "'none'");
    return { fix: `trusted-types ${[...listed, name].join(' ')} — the app creates a Trusted Types policy named "${name}"${where}; listing it lets the app create it`, cost: `low: only the policies listed may be created, and each still decides what it passes` };
  }
  return {
    fix: `keep require-trusted-types-for 'script' report-only (or drop it): the Trusted Types sink ${sink || '(unnamed)'}${where} gets a plain string${value ? ` (${value.length > 60 ? `${value.slice(0, 60)}…` : value})` : ''}. Enforce it only once the app passes a trusted value there: a Trusted Types policy (trustedTypes.createPolicy) that vets it, named in trusted-types`,
    cost: 'medium while dropped: DOM sinks take plain strings again (no Trusted Types check against DOM XSS); none while report-only',
  };
}

function groupsOf(violations: ViolationGroup[]): Map<string, ViolationGroup[]> {
  const out = new Map<string, ViolationGroup[]>();
  for (const v of violations) {
    const key = `${v.kind}\u0000${v.directive}\u0000${v.blockedUrl}${v.blockedUrl === 'trusted-types-sink' ? `\u0000${v.source}` : ''}`;
    out.set(key, [...(out.get(key) ?? []), v]);
  }
  return out;
}

/**
 * passedJourneys: the journeys that passed under the policy. A violation the policy enforced only in
 * journeys that passed changed nothing a user does: the suggestion says first that leaving it blocked
 * is safe, and only then how to allow it and at what cost.
 */
export function suggestFixes(policy: PolicyModel, violations: ViolationGroup[], inlineBlocks: InlineBlock[], passedJourneys?: ReadonlySet<string>): Suggestion[] {
  const out = suggestAll(policy, violations, inlineBlocks);
  if (!passedJourneys) return out;
  return out.map((s) => {
    const group = violations.filter((v) => v.kind === s.kind && v.directive === s.directive && v.blockedUrl === s.blocked && (s.at === undefined || v.source === s.at));
    const harmless = group.length > 0 && group.every((v) => v.disposition === 'enforce' && passedJourneys.has(v.journey));
    if (!harmless) return s;
    return { ...s, nothingDependedOn: true, fix: `leaving it blocked is safe: ${s.journeys.join(', ')} passed with it blocked, so nothing the journeys do needs it. To allow it anyway: ${s.fix}`, cost: `none while it stays blocked; allowing it: ${s.cost}` };
  });
}

function suggestAll(policy: PolicyModel, violations: ViolationGroup[], inlineBlocks: InlineBlock[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const group of groupsOf(violations).values()) {
    const v = group[0]!;
    const journeys = [...new Set(group.map((g) => g.journey))];
    const base = { kind: v.kind, directive: v.directive, blocked: v.blockedUrl, journeys };
    if (v.kind === 'csp' && policy.csp && (v.blockedUrl === 'trusted-types-sink' || v.blockedUrl === 'trusted-types-policy')) {
      out.push({ ...base, ...(v.blockedUrl === 'trusted-types-sink' ? { at: v.source } : {}), ...trustedTypesFix(v, policy.csp.directives) });
    } else if (v.kind === 'csp' && policy.csp) {
      const needed = neededSources({ violations: group, inlineBlocks });
      const [directive, sources] = Object.entries(needed.directives)[0] ?? [];
      if (!directive || !sources) {
        out.push({ ...base, fix: needed.warnings[0] ?? 'no source expression allows this safely; change the app', cost: 'n/a' });
        continue;
      }
      // What the directive would read after the change (a new directive keeps its old fallback).
      const widened = widen(policy.csp.directives, { [directive]: sources })[directive]!;
      const before = policy.csp.directives[directive] ?? effectiveSources(policy.csp.directives, directive) ?? [];
      const added = widened.filter((s) => !before.includes(s));
      const cost = (added.length ? added : sources).map((s) => cspCost(directive, s)).sort().reverse()[0]!;
      const disables = disablesUnsafeInline(directive, widened, inlineBlocks);
      out.push({ ...base, fix: `${directive} ${widened.join(' ')}${disables ? ` — ${disables}` : ''}`, cost: disables ? `high: the inline ${inlineKind(directive)}s it does not list stop running` : cost });
    } else if (v.kind === 'permissions-policy') {
      out.push({ ...base, fix: `Permissions-Policy: ${v.directive}=(self)`, cost: `low: only this origin's pages (not embedded third parties) may use ${v.directive}` });
    } else if (v.kind === 'integrity-policy') {
      out.push({ ...base, fix: `give ${v.blockedUrl || `the ${v.directive || 'resource'}`} an integrity="sha384-…" attribute (and crossorigin when it comes from another origin), or drop ${v.directive || 'its destination'} from Integrity-Policy's blocked-destinations`, cost: v.directive ? `none for the integrity attribute; dropping ${v.directive} gives up the check for every ${v.directive}` : 'none for the integrity attribute' });
    } else if (v.kind === 'corp') {
      out.push({ ...base, fix: 'Cross-Origin-Resource-Policy: same-site (or cross-origin for media other sites embed)', cost: 'low: other sites can embed the responses again' });
    } else if (v.kind === 'mixed-content') {
      out.push({ ...base, fix: 'serve the resource over https, or drop upgrade-insecure-requests / block-all-mixed-content', cost: 'medium: content over plain HTTP can be tampered with' });
    }
  }
  return out;
}
