// The report of a run across several targets: a table of policies against targets (each cell links
// to that target's own report), what a shared middleware with each policy would break, and what an
// upgrade changed. Reads the cross-target summary (src/verdict/across.ts); every string escaped.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AcrossSummary } from '../verdict/across.js';
import { escapeHtml as e, escapeMarkdown as m } from './escape.js';
import { CSS } from './html.js';

const targetLabel = (t: AcrossSummary['targets'][number]) => `${t.app?.title ?? t.app?.app ?? ''}${t.app?.version ? ` ${t.app.version}` : ''}`;

export function renderAcrossHtml(s: AcrossSummary): string {
  const head = s.targets.map((t) => `<th><a href="${e(`${t.folder}/index.html`)}">${e(t.name)}</a><br><span class="meta">${e(targetLabel(t))}</span></th>`).join('');
  const rows = s.policies.map((p) => {
    const cells = p.verdicts.map((v) => {
      const t = s.targets.find((x) => x.name === v.target)!;
      return v.verdict === 'absent' ? '<td class="meta">not run</td>'
        : `<td><a href="${e(`${t.folder}/index.html#policy-${p.policy}`)}"><span class="v ${e(v.verdict)}">${e(v.verdict)}</span></a></td>`;
    }).join('');
    return `<tr><th>${e(p.policy)}</th><td><span class="v ${e(p.worst)}">${e(p.worst)}</span></td>${cells}</tr>`;
  }).join('');
  const baselines = s.targets.map((t) => `<li><b>${e(t.name)}</b> (${e(targetLabel(t))}, ${e(t.target)}): baseline ${t.baselinePassed}/${t.baselineTotal} journeys passed${t.exitCode === 3 ? ' — <b>nothing decided there</b>, see its report' : ''}</li>`).join('');
  const upgrades = s.upgrades.length
    ? `<h2>What the upgrade changed</h2><ul>${s.upgrades.map((u) => `<li>${e(u.line)}${u.appeared.length ? `<details><summary>${u.appeared.length} violation group(s) only the newer version shows</summary><ul>${u.appeared.map((v) => `<li><code>${e(v)}</code></li>`).join('')}</ul></details>` : ''}</li>`).join('')}</ul>`
    : s.targets.length > 1 && new Set(s.targets.map((t) => t.app?.app)).size < s.targets.length ? '<h2>What the upgrade changed</h2><p>Nothing: every policy gives the same verdicts and journeys on each version.</p>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>headerproof report: ${e(s.targets.map((t) => t.name).join(', '))}</title><style>${CSS}</style></head>
<body>
<h1>headerproof: ${s.policies.length} polic${s.policies.length === 1 ? 'y' : 'ies'} × ${s.targets.length} targets</h1>
<p class="meta">Started ${e(s.startedAt)} · ${(s.durationMs / 1000).toFixed(0)} s · exit ${s.exitCode} (the worst of the targets')</p>
<p>Each target ran on its own, against its own baseline; a cell links to that target's report. <b>Everywhere</b> is the worst
over the targets: what the policy would do as one middleware in front of all of them.</p>
<table><tr><th>policy</th><th>everywhere</th>${head}</tr>${rows}</table>
${s.policies.some((p) => p.hurts.length) ? `<h2>What a shared middleware would break</h2><ul>${s.policies.filter((p) => p.hurts.length).map((p) => `<li><b>${e(p.policy)}</b>: ${e(p.hurts.join(', '))}</li>`).join('')}</ul>` : ''}
${upgrades}
<h2>Targets</h2><ul>${baselines}</ul>
</body></html>
`;
}

export function renderAcrossMarkdown(s: AcrossSummary): string {
  const lines = [
    `## headerproof: ${s.policies.length} policies × ${s.targets.length} targets (exit ${s.exitCode})`,
    '',
    `| policy | everywhere | ${s.targets.map((t) => `${m(t.name)} (${m(targetLabel(t))})`).join(' | ')} |`,
    `| --- | --- | ${s.targets.map(() => '---').join(' | ')} |`,
    ...s.policies.map((p) => `| ${m(p.policy)} | **${p.worst}** | ${p.verdicts.map((v) => v.verdict).join(' | ')} |`),
  ];
  if (s.upgrades.length) lines.push('', '### What the upgrade changed', '', ...s.upgrades.map((u) => `- ${m(u.line)}`));
  return lines.join('\n') + '\n';
}

export function writeAcrossReports(outDir: string, s: AcrossSummary): { html: string; json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const files = { json: path.join(outDir, 'summary.json'), html: path.join(outDir, 'index.html'), md: path.join(outDir, 'summary.md') };
  writeFileSync(files.json, JSON.stringify(s, null, 2) + '\n');
  writeFileSync(files.html, renderAcrossHtml(s));
  writeFileSync(files.md, renderAcrossMarkdown(s));
  return files;
}
