// summary.md: short enough to paste into a pull-request comment.
import { escapeMarkdown as m, truncate } from './escape.js';
import type { Summary } from './model.js';
import { byVerdict } from '../verdict/verdict.js';

const ICON: Record<string, string> = { safe: '✅', 'would-break': '⚠️', breaks: '❌', inconclusive: '❔' };

export function renderMarkdown(summary: Summary): string {
  const lines = [
    `### headerproof: ${summary.policies.length} polic${summary.policies.length === 1 ? 'y' : 'ies'} against ${m(summary.target)}`,
    '',
    ...(summary.immich ? [`Immich ${m(summary.immich.version ?? '(version not reported)')}, journeys for version shape ${m(summary.immich.shape)}${summary.immich.supported ? '' : ' (no shape for this version)'}.`, ''] : []),
    '| policy | verdict | why |',
    '| --- | --- | --- |',
    ...byVerdict(summary.policies).map((p) => `| ${m(p.policy.name)} | ${ICON[p.verdict] ?? ''} ${p.verdict} | ${m(truncate(p.reasons.join('; '), 300))} |`),
    '',
  ];
  for (const p of summary.policies) for (const w of p.warnings) lines.push(`> ⚠️ ${m(p.policy.name)}: ${m(w)}`);
  if (summary.policies.some((p) => p.warnings.length)) lines.push('');
  for (const a of summary.baselineAdvice ?? []) lines.push(`- Baseline ${m(a.journey)} ${a.status}: ${m(truncate(a.what, 200))}. ${m(a.advice)}`);
  if (summary.baselineAdvice?.length) lines.push('');
  lines.push(`Started ${m(summary.startedAt)}, ${(summary.durationMs / 1000).toFixed(0)} s. Full report: index.html.`);
  return lines.join('\n') + '\n';
}
