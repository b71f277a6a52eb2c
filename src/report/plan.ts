// The page of `headerproof plan`: stage × app, what each layer holds and why, each allowance's cost,
// what each app already sends that the edge replaced, and where the exports are. Every string escaped.
import type { PlanResult } from '../plan/plan.js';
import { serializeCsp } from '../policy/csp.js';
import { escapeHtml as e, escapeMarkdown as m } from './escape.js';
import { CSS } from './html.js';

const OUTCOME = (code: number) => (code === 0 ? 'every stage proven on every app' : code === 1 ? 'a stage breaks an app' : 'incomplete: not every stage could be proven');

export function renderPlanMarkdown(r: PlanResult): string {
  const lines = [`## Rollout plan for ${r.targets.map(m).join(', ')} (${m(r.browsers)}): ${OUTCOME(r.exitCode)} (exit ${r.exitCode})`, ''];
  lines.push(`| stage | ${r.targets.map(m).join(' | ')} | exported |`, `| --- | ${r.targets.map(() => '---').join(' | ')} | --- |`);
  for (const s of r.stages) {
    const cell = (t: string) => {
      const p = s.proofs.find((x) => x.target === t);
      return p ? `**${p.verdict}**${p.withoutCsp ? ' (no CSP)' : ''}` : '—';
    };
    lines.push(`| ${m(s.stage)} | ${r.targets.map(cell).join(' | ')} | ${Object.keys(s.exports).join(', ') || 'no'} |`);
  }
  lines.push('', `**Shared bundle parts** (every app): ${r.subset.shared.length ? r.subset.shared.map((p) => `\`${m(p)}\``).join(', ') : 'none'}`);
  for (const t of r.subset.perTarget) if (t.parts.length) lines.push(`- ${m(t.target)} on top: ${t.parts.map((p) => `\`${m(p)}\``).join(', ')}`);
  for (const f of r.subset.refused) lines.push(`- left out on ${m(f.target)}: \`${m(f.part)}\` — ${m(f.why)}`);
  lines.push('', '**Tuned CSPs:**');
  for (const t of r.tuned) {
    lines.push(`- ${m(t.target)}: ${t.converged ? `converged (${m(t.file ?? '')})` : `**not converged** — ${t.unresolved.slice(0, 3).map(m).join('; ')}`}`);
    for (const a of t.allowances) lines.push(`  - allowance \`${m(a.directive)} ${m(a.source)}\`: ${m(a.why)}; cost: ${m(a.cost)}`);
  }
  if (r.appCsp?.length) lines.push('', '**CSPs the apps send themselves, kept (the edge\'s CSP goes beside them; browsers enforce both):**', ...r.appCsp.map((c) => `- ${m(c.target)} sends \`${m(c.header)}: ${m(c.value.slice(0, 200))}\` — ${c.keptIn.length ? `kept in ${c.keptIn.map(m).join(', ')}` : 'no stage touches it'}; Traefik can only replace a header, so its exports leave this CSP to the app`));
  if (r.upstream.length) lines.push('', '**What the apps send themselves, replaced by a stage:**', ...r.upstream.map((u) => `- ${m(u.target)} (${m(u.stage)}): ${u.replaced.map(m).join(', ')}`));
  if (r.changes) lines.push('', '**Since the earlier plan:**', ...(r.changes.length ? r.changes.map((c) => `- ${m(c)}`) : ['- nothing changed']));
  lines.push('', `${(r.durationMs / 60000).toFixed(1)} min.`);
  return lines.join('\n') + '\n';
}

export function renderPlanHtml(r: PlanResult): string {
  const verdictCell = (stage: PlanResult['stages'][number], target: string) => {
    const p = stage.proofs.find((x) => x.target === target);
    if (!p) return '<td class="meta">nothing to prove</td>';
    return `<td><a href="${e(p.report)}"><span class="v ${e(p.verdict)}">${e(p.verdict)}</span></a>${p.withoutCsp ? `<div class="meta">${e(p.withoutCsp)}</div>` : ''}<div class="meta"><code>${e(p.file)}</code></div>${p.verdict !== 'safe' ? `<div>${e(p.reasons.join('; '))}</div>` : ''}</td>`;
  };
  const list = (parts: string[]) => (parts.length ? `<ul>${parts.map((p) => `<li><code>${e(p)}</code></li>`).join('')}</ul>` : '<p class="meta">nothing</p>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>headerproof plan: ${e(r.targets.join(', '))}</title><style>${CSS}</style></head>
<body>
<h1>Rollout plan <span class="v ${r.exitCode === 0 ? 'safe' : r.exitCode === 1 ? 'breaks' : 'inconclusive'}">${e(OUTCOME(r.exitCode))}</span></h1>
<p class="meta">Apps: ${e(r.targets.join(', '))} · engines: ${e(r.browsers)} · bundles: ${e(r.bundles.join(', '))} · ${(r.durationMs / 60000).toFixed(1)} min · the bundles' measuring runs (with blame) are in <a href="measure/index.html">measure/</a></p>
<h2>Stages, in rollout order, each proven by a run on every app</h2>
<table><tr><th>stage</th>${r.targets.map((t) => `<th>${e(t)}</th>`).join('')}<th>edge configuration</th></tr>
${r.stages.map((s) => `<tr><td><b>${e(s.stage)}</b><div class="meta">${e(s.title)}</div></td>${r.targets.map((t) => verdictCell(s, t)).join('')}<td>${Object.keys(s.exports).length ? Object.entries(s.exports).map(([f, d]) => `<a href="${e(d)}/README.txt">${e(f)}</a>`).join(' · ') : '<span class="meta">not exported: not proven safe on every app</span>'}</td></tr>`).join('\n')}
</table>
<p class="meta">Each stage's exports are a shared layer (the headers every app gets with the same value) and one layer per app (everything else, such as each app's own CSP). The two never set the same header, so neither overrides the other: in Traefik attach the shared middleware to the entrypoint (or every router) and each app's to its router; in nginx include both at the same level of the app's server block; in Caddy import both in the app's site block. Report-only CSP stages keep X-Frame-Options for framing, since browsers ignore frame-ancestors in a report-only policy.</p>
${r.changes ? `<h2>Since the earlier plan</h2>${r.changes.length ? `<ul>${r.changes.map((c) => `<li>${e(c)}</li>`).join('')}</ul>` : '<p>Nothing changed.</p>'}` : ''}
<h2>Bundles: what every app takes, and what each takes on top</h2>
${list(r.subset.shared)}
${r.subset.perTarget.map((t) => `<h3>${e(t.target)} on top</h3>${list(t.parts)}`).join('\n')}
${r.subset.refused.length ? `<h3>Left out where it breaks</h3><table><tr><th>part</th><th>app</th><th>why</th></tr>${r.subset.refused.map((f) => `<tr><td><code>${e(f.part)}</code></td><td>${e(f.target)}</td><td>${e(f.why)}</td></tr>`).join('')}</table>` : ''}
${r.subset.undecided.length ? `<h3>Undecided</h3><ul>${r.subset.undecided.map((u) => `<li><b>${e(u.target)}</b>: ${e(u.why)}</li>`).join('')}</ul>` : ''}
<h2>Each app's tuned CSP</h2>
${r.tuned.map((t) => `<h3>${e(t.target)}: ${t.converged ? '<span class="v safe">converged</span>' : '<span class="v inconclusive">not converged</span>'}</h3>${t.file ? `<p class="meta">Policy: <code>${e(t.file)}</code> (its comments say which journey needs each source)</p>` : ''}${t.directives ? `<pre>${e(serializeCsp(t.directives))}</pre>` : ''}${t.allowances.length ? `<table><tr><th>allowance</th><th>why</th><th>cost</th></tr>${t.allowances.map((a) => `<tr><td><code>${e(a.directive)} ${e(a.source)}</code></td><td>${e(a.why)}</td><td>${e(a.cost)}</td></tr>`).join('')}</table>` : ''}${t.unresolved.length ? `<p>What is left:</p><ul>${t.unresolved.map((u) => `<li>${e(u)}</li>`).join('')}</ul>` : ''}`).join('\n')}
${r.appCsp?.length ? `<h2>CSPs the apps send themselves: kept</h2><p class="meta">The edge never weakens a CSP an app sends: no stage removes or replaces it; a stage's own CSP goes beside it as a second header, and browsers enforce both (a page gets only what both allow). That is how each stage was proven. nginx (<code>add_header</code> without <code>proxy_hide_header</code>) and Caddy (<code>+Content-Security-Policy</code>, deferred) send both; Traefik's headers middleware can only replace a header, so its exports leave the CSP to the app.</p><ul>${r.appCsp.map((c) => `<li><b>${e(c.target)}</b> sends <code>${e(c.header)}: ${e(c.value.slice(0, 300))}</code> — ${c.keptIn.length ? `kept in ${e(c.keptIn.join(', '))}` : 'no stage touches it'}</li>`).join('')}</ul>` : ''}
${r.upstream.length ? `<h2>What the apps send themselves</h2><ul>${r.upstream.map((u) => `<li><b>${e(u.target)}</b> (${e(u.stage)}) already sends ${e(u.replaced.join(', '))}: the stage's header replaces it (as in its proving run)</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
