// summary.md: short enough to paste into a pull-request comment.
import { escapeMarkdown as m, truncate } from './escape.js';
import type { Summary } from './model.js';
import { byVerdict } from './order.js';
import { ENGINE_LABEL } from '../harness/engines.js';
import { describeLoad } from '../proxy/host.js';
import { describeSignIns } from './sign-in.js';
import type { PolicyVerdict } from './model.js';

/** "Chromium ❌ breaks, Firefox ✅ safe (does not enforce Permissions-Policy)" for a run in several engines. */
function perEngine(p: PolicyVerdict): string {
  if (!p.engines) return '';
  return ` (${p.engines.map((x) => `${ENGINE_LABEL[x.browser]} ${ICON[x.verdict] ?? ''} ${x.verdict}${x.notEnforced.length ? `, does not enforce ${x.notEnforced.join(', ')}` : ''}`).join('; ')})`;
}

const ICON: Record<string, string> = { safe: '✅', 'would-break': '⚠️', breaks: '❌', inconclusive: '❔' };

export function renderMarkdown(summary: Summary): string {
  const lines = [
    `### headerproof: ${summary.policies.length} polic${summary.policies.length === 1 ? 'y' : 'ies'} against ${m(summary.target)}`,
    '',
    ...(summary.browsers?.length ? [`Browsers: ${summary.browsers.map((b) => `${ENGINE_LABEL[b.browser]}${b.version ? ` ${m(b.version)}` : ''}`).join(', ')}.`, ''] : []),
    ...(summary.app ? [`${m(summary.app.title)} ${m(summary.app.version ?? '(version not reported)')}${summary.app.shape ? `, journeys for version shape ${m(summary.app.shape)}${summary.app.supported === false ? ' (no shape for this version)' : ''}` : ''}.`, ''] : []),
    '| policy | verdict | why |',
    '| --- | --- | --- |',
    ...byVerdict(summary.policies).map((p) => `| ${m(p.policy.name)} | ${ICON[p.verdict] ?? ''} ${p.verdict}${m(perEngine(p))} | ${m(truncate(p.reasons.join('; '), 300))} |`),
    '',
  ];
  for (const p of summary.policies) for (const w of p.warnings) lines.push(`> ⚠️ ${m(p.policy.name)}: ${m(w)}`);
  if (summary.policies.some((p) => p.warnings.length)) lines.push('');
  for (const a of summary.baselineAdvice ?? []) lines.push(`- Baseline ${m(a.journey)} ${a.status}: ${m(truncate(a.what, 200))}. ${m(a.advice)}`);
  for (const b of summary.baseline.filter((x) => x.ranAlone)) lines.push(`- Baseline ${m(b.journey)} ran again alone (its first try failed while held back ${Math.round(b.ranAlone!.firstHeldBackMs / 1000)} s by headerproof's pacing): ${m(b.status)}.`);
  if (summary.baselineAdvice?.length || summary.baseline.some((x) => x.ranAlone)) lines.push('');
  const stacked = summary.policies.filter((p) => p.stackedWith).map((p) => m(p.policy.name));
  if (stacked.length) lines.push(`Report-only candidates ${stacked.join(', ')} shared one journey pass (each reported to its own path).`, '');
  const shared = summary.policies.filter((p) => p.sharedWith).map((p) => m(p.policy.name));
  if (shared.length) lines.push(`Candidates ${shared.join(', ')} were proven safe in shared enforced passes (all of them served at once, nothing failed or was reported).`, '');
  if (summary.load) lines.push(`Load on the target: ${m(describeLoad(summary.load))}.`, '');
  const signIns = describeSignIns(summary);
  if (signIns) lines.push(`Logins: ${m(signIns)}.`, '');
  lines.push(`Started ${m(summary.startedAt)}, ${(summary.durationMs / 1000).toFixed(0)} s. Full report: index.html.`);
  return lines.join('\n') + '\n';
}
