// The report of `headerproof subset`: the shared middleware, what each target takes on top of it,
// what a target cannot take and why, and each layer's proving run. Every string escaped.
import type { SubsetResult } from '../subset/subset.js';
import { escapeHtml as e, escapeMarkdown as m } from './escape.js';
import { CSS } from './html.js';

export function renderSubsetMarkdown(r: SubsetResult): string {
  const { plan } = r;
  const lines = [`## Shared subset of ${m(r.policy)} across ${plan.perTarget.map((t) => m(t.target)).join(', ')} (exit ${r.exitCode})`, ''];
  lines.push(`**Shared middleware** (every target takes it): ${plan.shared.length ? plan.shared.map((p) => `\`${m(p)}\``).join(', ') : 'nothing'}`, '');
  for (const t of plan.perTarget) lines.push(`- **${m(t.target)}** on top: ${t.parts.length ? t.parts.map((p) => `\`${m(p)}\``).join(', ') : 'nothing'}`);
  if (plan.refused.length) lines.push('', '**Left out where it breaks:**', ...plan.refused.map((f) => `- \`${m(f.part)}\` on ${m(f.target)}: ${m(f.why)}`));
  if (plan.undecided.length) lines.push('', '**Undecided:**', ...plan.undecided.map((u) => `- ${m(u.target)}: ${m(u.why)}`));
  if (r.proofs.length) {
    lines.push('', '| layer | target | verdict |', '| --- | --- | --- |', ...r.proofs.map((p) => `| ${m(p.policy)} (${p.layer}) | ${m(p.target)} | **${p.verdict}** |`));
  }
  return lines.join('\n') + '\n';
}

export function renderSubsetHtml(r: SubsetResult): string {
  const { plan } = r;
  const list = (parts: string[]) => (parts.length ? `<ul>${parts.map((p) => `<li><code>${e(p)}</code></li>`).join('')}</ul>` : '<p class="meta">nothing</p>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>headerproof subset: ${e(r.policy)}</title><style>${CSS}</style></head>
<body>
<h1>Shared subset of ${e(r.policy)} <span class="v ${r.exitCode === 0 ? 'safe' : r.exitCode === 1 ? 'breaks' : 'inconclusive'}">${r.exitCode === 0 ? 'proven' : r.exitCode === 1 ? 'a layer is not safe' : 'undecided'}</span></h1>
<p class="meta">Targets: ${e(plan.perTarget.map((t) => t.target).join(', '))} · ${(r.durationMs / 1000).toFixed(0)} s · the whole policy's runs (with blame) are in <a href="measure/index.html">measure/</a></p>
<h2>Shared middleware: every target takes it</h2>
${list(plan.shared)}${r.layers.shared ? `<p class="meta">Policy file: <code>${e(r.layers.shared)}</code></p>` : ''}
<h2>What each target takes on top</h2>
${plan.perTarget.map((t) => `<h3>${e(t.target)}</h3>${list(t.parts)}${r.layers.perTarget[t.target] ? `<p class="meta">Shared + its own as one policy: <code>${e(r.layers.perTarget[t.target])}</code></p>` : ''}`).join('\n')}
${plan.refused.length ? `<h2>Left out where it breaks</h2><table><tr><th>part</th><th>target</th><th>why</th></tr>${plan.refused.map((f) => `<tr><td><code>${e(f.part)}</code></td><td>${e(f.target)}</td><td>${e(f.why)}</td></tr>`).join('')}</table>` : ''}
${plan.undecided.length ? `<h2>Undecided</h2><ul>${plan.undecided.map((u) => `<li><b>${e(u.target)}</b>: ${e(u.why)}</li>`).join('')}</ul>` : ''}
<h2>Proof: each layer run where it goes</h2>
${r.proofs.length ? `<table><tr><th>layer</th><th>target</th><th>verdict</th><th>why</th></tr>${r.proofs.map((p) => `<tr><td>${e(p.policy)} <span class="meta">(${e(p.layer)})</span></td><td><a href="${e(p.report)}">${e(p.target)}</a></td><td><span class="v ${e(p.verdict)}">${e(p.verdict)}</span></td><td>${e(p.reasons.join('; '))}</td></tr>`).join('')}</table>` : '<p class="meta">No layer to prove.</p>'}
${r.upstream.some((u) => u.replaced.length) ? `<h2>What the targets send themselves</h2><ul>${r.upstream.filter((u) => u.replaced.length).map((u) => `<li><b>${e(u.target)}</b> already sends ${e(u.replaced.join(', '))}: the edge's header replaces it (as it did in these runs)</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
