// Stacked report-only candidates. A browser evaluates every Content-Security-Policy-Report-Only
// header on its own and a report-only header changes nothing the page does, so several report-only
// candidates can share one journey pass: N candidates cost one pass instead of N. Each member is
// served with its own report path (…/report/stack-<i>), so every violation names its candidate:
// report-uri reports by the path they were posted to, DOM events and ReportingObserver reports by
// the report-uri inside their originalPolicy. Pure: the proxy, the signal parsers and the reporter
// call it.
import type { IncomingHttpHeaders } from 'node:http';
import { effectiveSources } from '../policy/csp.js';
import type { Policy } from '../policy/policy.js';
import { cspHeaderName, cspHeaderValue, policyApplies, REPORT_PATH } from './header-edits.js';

/** The name of the project that serves the stack (never a policy name: policy names have no spaces). */
export const STACK_PROJECT = 'report-only stack';
const SLOT_PREFIX = 'stack-';
const SLOT_IN_TEXT = new RegExp(`${REPORT_PATH.replace(/\//g, '\\/')}\\/${SLOT_PREFIX}(\\d+)(?![\\d])`);

/** A policy that can share a pass: report-only CSP and nothing else (no enforced header, no removal). */
export function isStackable(policy: Policy): boolean {
  return Boolean(policy.csp?.reportOnly) && !Object.keys(policy.set).length && !policy.remove.length;
}

/** Splits the candidates: the report-only ones share one pass (when there are two or more), the rest run alone. */
export function planStack(policies: Policy[], enabled: boolean): { stacked: Policy[]; alone: Policy[] } {
  const stackable = enabled ? policies.filter(isStackable) : [];
  if (stackable.length < 2) return { stacked: [], alone: policies };
  return { stacked: stackable, alone: policies.filter((p) => !stackable.includes(p)) };
}

/** The report path of the stack's member at `slot`. */
export function stackReportPath(slot: number): string {
  return `${REPORT_PATH}/${SLOT_PREFIX}${slot}`;
}

/** The member slot a report path, report-uri or originalPolicy names; undefined when it names none. */
export function stackSlotOf(text: string | undefined): number | undefined {
  const m = text ? SLOT_IN_TEXT.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Appends each in-scope member's CSP of kind `key` as a header line of its own, reporting to its
 * slot, after the upstream's own lines of that kind (the browser evaluates each on its own).
 * Returns whether anything was added and whether the upstream sent one (each member alone would
 * replace it). The report-only stack and the shared enforced pass (src/proxy/share.ts) both serve
 * their members' CSPs this way.
 */
export function appendMemberCsps(headers: IncomingHttpHeaders, key: 'content-security-policy' | 'content-security-policy-report-only', members: Policy[], reportBase: string, urlPath: string): { added: boolean; upstreamHadOne: boolean } {
  const values = members.flatMap((m, slot) => (m.csp && cspHeaderName(m) === key && policyApplies(m, urlPath) ? [cspHeaderValue(m, `${reportBase}${stackReportPath(slot)}`)!] : []));
  const own = headers[key];
  if (!values.length) return { added: false, upstreamHadOne: false };
  headers[key] = [...(own === undefined ? [] : Array.isArray(own) ? own : [own]), ...values];
  return { added: true, upstreamHadOne: own !== undefined };
}

/**
 * Serves every member's report-only CSP (one header line each) on a response in scope of it;
 * `reportBase` is the proxy's origin as the browser sees it. An upstream's own report-only CSP stays
 * beside them, so the pass still shows the page as the baseline sees it. Returns whether the
 * upstream sent one (each member alone would replace it).
 */
export function applyStackEdits(headers: IncomingHttpHeaders, members: Policy[], reportBase: string, urlPath: string): { upstreamHadOne: boolean } {
  return { upstreamHadOne: appendMemberCsps(headers, 'content-security-policy-report-only', members, reportBase, urlPath).upstreamHadOne };
}

const STRUCTURED = new Set(['event', 'report', 'observer']);

/**
 * Whose a violation of a stacked pass is: its members' (indices) and/or the baseline's (the page
 * as it is without any candidate). A violation that names its slot is that member's. Page errors,
 * console errors and failed requests are the page's: everyone's. A CSP violation that a structured
 * channel saw without naming a slot came from the page's own policy: the baseline's. An enforced
 * one cannot be a member's (members only report). A console line (which names no policy) goes to
 * the members whose served header holds the directive text it quotes, else to every member that
 * governs its directive — as each would have seen it alone — else to the baseline.
 */
export function ownersOf(v: { kind: string; directive: string; sample: string; disposition: string; channels: string[]; stackSlot?: number }, members: Pick<Policy, 'csp'>[]): { members: number[]; baseline: boolean } {
  if (v.stackSlot !== undefined) return { members: v.stackSlot < members.length ? [v.stackSlot] : [], baseline: false };
  const all = members.map((_m, i) => i);
  if (v.kind !== 'csp') return { members: all, baseline: true };
  if (v.disposition !== 'report' || v.channels.some((c) => STRUCTURED.has(c))) return { members: [], baseline: true };
  const quoted = /directive:? ["“']([^"”]+)["”]/.exec(v.sample)?.[1]?.trim();
  const served = members.map((m) => cspHeaderValue(m, '') ?? '');
  const byText = quoted ? all.filter((i) => served[i]!.split(';').some((d) => d.trim() === quoted)) : [];
  if (byText.length) return { members: byText, baseline: false };
  const governing = all.filter((i) => v.directive && members[i]!.csp && effectiveSources(members[i]!.csp!.directives, v.directive) !== undefined);
  return governing.length ? { members: governing, baseline: false } : { members: [], baseline: true };
}
