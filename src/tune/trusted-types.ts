// Trusted Types in tune: the report-only observation also asks for Trusted Types
// (`require-trusted-types-for 'script'`, `trusted-types 'none'`), so every sink that gets a plain
// string and every policy name the app creates is reported. From that, tune proposes a report-only
// Trusted Types policy of its own — the app's policy names listed, the sinks still taking plain
// strings named — to deploy before enforcing. Pure: tune.ts feeds it the observed violations.
import type { CspDirectives } from '../policy/csp.js';
import { tunedPolicyYaml } from './policy-file.js';
import { trustedTypesSample, type ViolationGroup } from '../observe/violation.js';

/** Added to tune's report-only observation: every sink and every policy creation is reported. */
export const TRUSTED_TYPES_PROBE: CspDirectives = { 'require-trusted-types-for': ["'script'"], 'trusted-types': ["'none'"] };

/** A Trusted Types report (a sink given a plain string, or a policy created), not a fetch to allow. */
export function isTrustedTypes(v: Pick<ViolationGroup, 'blockedUrl'> & Partial<Pick<ViolationGroup, 'directive'>>): boolean {
  // Chromium also logs a policy's creation in the console ("Creating a TrustedTypePolicy named …"),
  // with no blocked URL: its directive says what it is.
  return v.blockedUrl === 'trusted-types-sink' || v.blockedUrl === 'trusted-types-policy' || v.directive === 'trusted-types' || v.directive === 'require-trusted-types-for';
}

export interface SinkUse {
  /** The sink, as the browser names it ("Worker constructor", "Element innerHTML", …). */
  sink: string;
  /** The script (and line) that called it. */
  source: string;
  /** The start of the plain string it got (untrusted: escape before display). */
  value: string;
  journeys: string[];
}

export interface TrustedTypesProposal {
  /** The report-only CSP to deploy: the requirement, and the policy names the app creates. */
  directives: CspDirectives;
  /** Policy names the app created in the journeys (listed in trusted-types). */
  policies: string[];
  /** Sinks that got a plain string: each is reported under the proposal, and blocked once enforced. */
  sinks: SinkUse[];
  /** No sink got a plain string in any journey: after production stays quiet, it can be enforced. */
  enforceable: boolean;
}

/** What the observation shows Trusted Types needs, from the Trusted Types reports of the report-only round. */
export function proposeTrustedTypes(violations: ViolationGroup[]): TrustedTypesProposal {
  const policies = [...new Set(violations.filter((v) => v.blockedUrl === 'trusted-types-policy')
    .map((v) => trustedTypesSample(v.sample).sink)
    // A name is a CSP token: one the header could not carry is left to the report.
    .filter((n) => /^[A-Za-z0-9\-#=_/@.%]+$/.test(n)))].sort();
  const sinks = new Map<string, SinkUse>();
  for (const v of violations.filter((x) => x.blockedUrl === 'trusted-types-sink')) {
    const { sink, value } = trustedTypesSample(v.sample);
    const source = withoutOrigin(v.source, v.pageUrl);
    // One finding per call site and value: a script file's line (the engines count columns apart), or
    // a page's inline script at its line (the same inline script on every page is one), whatever local
    // copy or port served it.
    const line = source.replace(/:\d+$/, '');
    const site = `${/\.m?js(?::\d+)?$/.test(line) ? line : (/(:\d+)$/.exec(line)?.[1] ?? line)}\u0000${value.replace(/^blob:.*/, 'blob:')}`;
    const key = `${sink}\u0000${site}`;
    const use = sinks.get(key) ?? { sink: sink || '(unnamed sink)', source, value, journeys: [] };
    if (!use.journeys.includes(v.journey)) use.journeys.push(v.journey);
    sinks.set(key, use);
  }
  return {
    directives: { 'require-trusted-types-for': ["'script'"], 'trusted-types': policies.length ? policies : ["'none'"] },
    policies,
    sinks: [...sinks.values()],
    enforceable: sinks.size === 0,
  };
}

/** A script's URL without the page's origin (which a local copy's port changes): its path and line; a third party's stays whole. */
function withoutOrigin(source: string, pageUrl: string): string {
  let origin: string;
  try {
    origin = new URL(pageUrl).origin;
  } catch {
    return source;
  }
  return source.startsWith(`${origin}/`) ? source.slice(origin.length) : source;
}

/** One line per sink for people: "Worker constructor from https://…/maplibre.js:1:2 ("blob:…"; map, map@firefox)". */
export function describeSink(s: SinkUse): string {
  // Page strings: whitespace squashed and control characters dropped (a terminal, a comment line).
  const plain = (t: string) => t.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  const value = s.value ? ` ("${plain(s.value).slice(0, 60)}")` : '';
  return `${plain(s.sink)}${s.source ? ` from ${plain(s.source)}` : ''}${value}; ${s.journeys.join(', ')}`;
}

/**
 * The proposal as a report-only policy file a person can review and deploy beside the tuned CSP
 * (a second, report-only header), written and checked as the tuned policy is.
 */
export function trustedTypesPolicyYaml(name: string, p: TrustedTypesProposal, header: string[]): string {
  return tunedPolicyYaml({
    name,
    description: 'Trusted Types, report-only, proposed by headerproof tune from what the journeys did: deploy beside the tuned CSP; enforce only when nothing is reported',
    directives: p.directives,
    notes: [],
    header,
    reportOnly: true,
  });
}

/** The header lines of the proposal's file, and what tune says of it. */
export function trustedTypesSummary(p: TrustedTypesProposal, engines: string): string[] {
  return [
    `Trusted Types, report-only (proposed by headerproof tune ${new Date().toISOString()}; observed in ${engines}).`,
    p.policies.length ? `The app creates the Trusted Types policies ${p.policies.join(', ')}: listed in trusted-types.` : 'The app created no Trusted Types policy in the journeys: trusted-types \'none\'.',
    ...(p.enforceable
      ? ['No sink got a plain string in any journey. Deploy it report-only; when production reports stay quiet (headerproof collect), set reportOnly: false.']
      : [`${p.sinks.length} sink(s) got a plain string; each is reported under this policy and would be blocked enforced, until the app passes a trusted value there (a Trusted Types policy named in trusted-types):`,
        ...p.sinks.map((s) => `  - ${describeSink(s)}`)]),
  ];
}
