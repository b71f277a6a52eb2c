// index.html: one self-contained page (inline CSS, no scripts, no external loads) a reviewer can
// open from a change request. Every page-supplied string goes through escapeHtml.
import type { ViolationGroup } from '../observe/violation.js';
import { escapeHtml as e, truncate } from './escape.js';
import { groupByDirective } from './group.js';
import { byVerdict } from './order.js';
import type { EngineVerdict, JourneyResult, PolicyVerdict, RanAlone, Summary } from './model.js';
import { ENGINE_LABEL, type Engine } from '../harness/engines.js';
import { describeLoad } from '../proxy/host.js';
import { describeSignIns } from './sign-in.js';

export const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:80rem}
h1{margin:0 0 .2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}code,pre{font-family:ui-monospace,monospace;font-size:12px}pre{white-space:pre-wrap;word-break:break-all;margin:0}
.v{display:inline-block;padding:.1rem .5rem;border-radius:.7rem;font-weight:600}
.safe{background:#d1f3d9;color:#0b5a1f}.would-break{background:#fff0c2;color:#6b4a00}.breaks{background:#ffd6d6;color:#8a0b0b}.inconclusive{background:#e2e3e8;color:#333}
.warn{background:#fff7e0;border-left:4px solid #e0a800;padding:.3rem .8rem}.shots{display:flex;gap:1rem;align-items:flex-start;margin:.5rem 0}.shots figure{margin:0;max-width:48%}.shots img{max-width:100%;border:1px solid #ccd}figcaption{font-size:12px;color:#555}.passed{color:#0b5a1f}.failed{color:#8a0b0b;font-weight:600}.skipped{color:#666}.meta{color:#555}`;

/** The candidate's outcome; the baseline's only where it differs, so the eye goes to what changed. */
/** What the run asked of the target, the host's pushback, and the dialogs the journeys answered. */
function hostSection(summary: Summary): string {
  const load = summary.load;
  const dialogs = [...new Set([...summary.baseline, ...summary.policies.flatMap((p) => p.journeys)].flatMap((j) => ('dialogs' in j ? (j as JourneyResult).dialogs ?? [] : [])))];
  const throttled = load?.throttled ?? [];
  const signIns = describeSignIns(summary);
  return `<h2>Load on the target</h2>
${load ? `<p>${e(describeLoad(load))}.</p>` : '<p class="meta">Not measured.</p>'}
${signIns ? `<p>Logins: ${e(signIns)}.</p>` : ''}
${throttled.length ? `<table><tr><th>time</th><th>path</th><th>status</th><th>announced limit</th><th>retry after</th></tr>${throttled.map((t) => `<tr><td>${e(new Date(t.at).toISOString())}</td><td><code>${e(t.path)}</code></td><td>${t.status}</td><td>${e(t.limit ?? '')}</td><td>${t.retryAfterS === undefined ? '' : `${t.retryAfterS} s`}</td></tr>`).join('')}</table><p class="meta">A journey that failed while the target pushed back is never blamed on a policy: it is inconclusive, with the pushback as its cause.</p>` : ''}
${dialogs.length ? `<p>First-run and notice dialogs the journeys answered as a careful user would: ${e(dialogs.join('; '))}.</p>` : ''}`;
}

function statusCell(baseline: string, candidate: string, flaky = false, ranAlone?: RanAlone): string {
  const differs = baseline !== candidate ? ` <span class="meta">(baseline ${e(baseline)})</span>` : '';
  return `<td><span class="${e(candidate)}">${e(candidate)}</span>${flaky ? ' <span class="meta">(flaky: passed on a retry)</span>' : ''}${ranAlone ? ` <span class="meta">(ran again alone: ${ranAlone.why === 'reports-only' ? 'its first try failed though the policy only reports' : `its first try was held back ${Math.round(ranAlone.firstHeldBackMs / 1000)} s by pacing`})</span>` : ''}${differs}</td>`;
}


/** The engines of the run ("Chromium 150.0, Firefox 153.7.0"). */
export function browsersLine(summary: Summary): string {
  return (summary.browsers ?? []).map((b) => `${ENGINE_LABEL[b.browser]}${b.version ? ` ${b.version}` : ''}`).join(', ');
}

/** One engine's verdict, and what it does not enforce (a pass there says nothing about those). */
function engineCell(v: EngineVerdict | undefined): string {
  if (!v) return '<td class="meta">not run</td>';
  const ignored = v.notEnforced.length ? `<br><span class="meta">not enforced: ${e(v.notEnforced.join(', '))}</span>` : '';
  return `<td><span class="v ${e(v.verdict)}">${e(v.verdict)}</span>${ignored}</td>`;
}

function appLine(summary: Summary): string {
  const i = summary.app;
  if (!i) return '';
  const version = i.version ? `${e(i.title)} ${e(i.version)}` : `${e(i.title)} (version not reported)`;
  const shape = i.shape ? `, journeys for version shape <code>${e(i.shape)}</code>${i.supported === false ? ' <b>(no shape for this version: journeys may not match its pages)</b>' : ''}` : '';
  return ` · ${version}${shape}`;
}

function baselineAdvice(summary: Summary, image: ImageLoader): string {
  const advice = summary.baselineAdvice ?? [];
  if (!advice.length) return '';
  const items = advice.map((a) => {
    const src = a.screenshot ? image(a.screenshot) : undefined;
    return `<li><b>${e(a.journey)}</b> ${e(a.status)} at <code>${e(truncate(a.what, 300))}</code><br>What to do: ${e(a.advice)}${src ? `<div class="shots"><figure><img src="${src}" alt="${e(`baseline ${a.journey}`)}"><figcaption>baseline: where it stopped</figcaption></figure></div>` : ''}</li>`;
  }).join('');
  return `<div class="warn"><b>Journeys that do not pass without any policy</b> (no policy can be judged on them)<ul>${items}</ul></div>`;
}

function violationTable(groups: ViolationGroup[]): string {
  if (!groups.length) return '<p class="meta">None.</p>';
  const rows = groupByDirective(groups).flatMap((dg) =>
    dg.origins.map(
      (o, i) => `<tr>${i === 0 ? `<td rowspan="${dg.origins.length}"><code>${e(dg.kind)}</code><br><code>${e(dg.directive)}</code></td>` : ''}
<td><code>${e(truncate(o.blocked, 200))}</code></td><td>${e(o.disposition)}</td><td>${o.count}</td><td>${e(o.journeys.join(', '))}</td>
<td><pre>${e(truncate(o.sample, 300))}</pre></td><td><code>${e(truncate(o.source, 200))}</code></td></tr>`,
    ),
  );
  return `<table><tr><th>kind / directive</th><th>blocked</th><th>disposition</th><th>count</th><th>journeys</th><th>sample</th><th>source</th></tr>${rows.join('')}</table>`;
}

type ImageLoader = (relativePath: string) => string | undefined;

function screenshots(p: PolicyVerdict, image: ImageLoader): string {
  const failing = p.journeys.filter((j) => (j.candidate === 'failed' || (j.candidate === 'skipped' && j.baseline === 'passed')) && (j.screenshot || j.baselineScreenshot));
  if (!failing.length) return '';
  const fig = (rel: string | undefined, caption: string) => {
    const src = rel ? image(rel) : undefined;
    return `<figure>${src ? `<img src="${src}" alt="${e(caption)}">` : '<p class="meta">(no screenshot)</p>'}<figcaption>${e(caption)}</figcaption></figure>`;
  };
  return `<h3>Screenshots</h3>${failing.map((j) => `<div class="shots"><b>${e(j.journey)}</b>${fig(j.baselineScreenshot, 'baseline: end of the journey')}${fig(j.screenshot, `with ${p.policy.name}: where it failed`)}</div>`).join('')}`;
}

function blameSection(p: PolicyVerdict): string {
  if (!p.blame?.length) return '';
  return `<h3>Blame</h3><ul>${p.blame.map((b) => `<li><b>${e(b.journey)}</b>: ${b.blamed.length ? `caused by <code>${b.blamed.map(e).join('</code> + <code>')}</code>` : 'no single part of the policy reproduces it'}${b.note ? ` <span class="meta">(${e(b.note)})</span>` : ''}${b.bisection ? ` <span class="meta">(bisected: ${b.bisection.parts} parts, ${b.bisection.rounds} rounds, ${b.bisection.reruns} journey re-runs)</span>` : ''}</li>`).join('')}</ul>`;
}

function suggestionTable(p: PolicyVerdict): string {
  if (!p.suggestions.length) return '';
  const rows = p.suggestions.map((s) => `<tr><td><code>${e(s.kind)} ${e(s.directive)}</code><br><code>${e(truncate(s.blocked, 120))}</code></td><td><code>${e(s.fix)}</code></td><td>${e(s.cost)}</td><td>${e(s.journeys.join(', '))}</td></tr>`).join('');
  return `<h3>Suggested fixes</h3><table><tr><th>violation</th><th>change the policy to</th><th>security cost</th><th>journeys</th></tr>${rows}</table>`;
}

function policySection(p: PolicyVerdict, image: ImageLoader): string {
  const served = Object.entries(p.policy.served)
    .map(([name, value]) => `<tr><td><code>${e(name)}</code></td><td><pre>${value === null ? '(removed)' : e(value)}</pre></td></tr>`)
    .join('');
  const newOnes = p.journeys.flatMap((j) => j.newViolations);
  const all = p.journeys.flatMap((j) => j.violations);
  const failures = p.journeys.filter((j) => j.candidate === 'failed' || (j.candidate !== 'passed' && j.baseline === 'passed'))
    .map((j) => `<li><b>${e(j.journey)}</b> (${e(j.candidate)}${j.baseline !== j.candidate ? `; baseline ${e(j.baseline)}` : ''}${j.throttled ? '; throttled by the target' : ''}): <pre>${e(truncate(j.error ?? '', 1000))}</pre>${j.throttled ? `<p class="meta">${e(j.throttled)}</p>` : ''}</li>`).join('');
  return `<section id="policy-${e(p.policy.name)}">
<h2>${e(p.policy.name)} <span class="v ${e(p.verdict)}">${e(p.verdict)}</span></h2>
${p.engines ? `<p>${p.engines.map((x) => `${e(ENGINE_LABEL[x.browser])}${x.version ? ` ${e(x.version)}` : ''}: <span class="v ${e(x.verdict)}">${e(x.verdict)}</span>${x.notEnforced.length ? ` <span class="meta">(does not enforce ${e(x.notEnforced.join(', '))})</span>` : ''}`).join(' · ')}</p>` : ''}
<p>${e(p.policy.description)}</p><p class="meta">File: <code>${e(p.policy.file)}</code>${p.stackedWith ? ` · ran report-only in one pass with ${e(p.stackedWith.join(', '))} (each header reports to its own path; only its own violations count here)` : ''}${p.sharedWith ? ` · proven safe in one enforced pass with ${e(p.sharedWith.join(', '))} (all served at once, nothing failed or was reported, so each alone is safe)` : ''}</p>
<ul>${p.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>
${p.warnings.length ? `<div class="warn"><b>Warnings</b><ul>${p.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul></div>` : ''}
${failures ? `<h3>Failing journeys</h3><ul>${failures}</ul>` : ''}
${blameSection(p)}
${suggestionTable(p)}
${screenshots(p, image)}
${p.replacedUpstreamHeaders.length ? `<p><b>Note:</b> the target already sends ${e(p.replacedUpstreamHeaders.join(', '))}; the policy replaced it.</p>` : ''}
<h3>Headers the proxy served</h3>${served ? `<table>${served}</table>` : '<p class="meta">No changes (baseline).</p>'}
<h3>Violations the policy caused</h3>${violationTable(newOnes)}
<details><summary>All signals seen with this policy (${all.length} groups)</summary>${violationTable(all)}</details>
</section>`;
}

export function renderHtml(summary: Summary, image: ImageLoader = () => undefined): string {
  const journeys = [...new Set([...summary.baseline.map((b) => b.journey), ...summary.policies.flatMap((p) => p.journeys.map((j) => j.journey))])];
  const policies = byVerdict(summary.policies);
  // With more than one engine (or one that is not Chromium), a column per engine beside the overall verdict.
  const engines: Engine[] = policies.some((p) => p.engines) ? [...new Set(policies.flatMap((p) => p.engines?.map((x) => x.browser) ?? []))] : [];
  const matrix = policies
    .map((p) => {
      const cells = journeys.map((name) => {
        const j = p.journeys.find((x) => x.journey === name);
        return j ? statusCell(j.baseline, j.candidate, Boolean(j.flaky), j.ranAlone) : '<td class="meta">not run</td>';
      });
      const perEngine = engines.map((b) => engineCell(p.engines?.find((x) => x.browser === b)));
      return `<tr><th><a href="#policy-${e(p.policy.name)}">${e(p.policy.name)}</a></th><td><span class="v ${e(p.verdict)}">${e(p.verdict)}</span></td>${perEngine.join('')}${cells.join('')}</tr>`;
    })
    .join('');
  const baselineRows = summary.baseline
    .map((b: JourneyResult) => `<tr><td>${e(b.journey)}</td><td class="${e(b.status)}">${e(b.status)}${b.flaky ? ' <span class="meta">(flaky: passed on a retry)</span>' : ''}${b.ranAlone ? ` <span class="meta">(ran again alone: its first try was held back ${Math.round(b.ranAlone.firstHeldBackMs / 1000)} s by pacing and failed: ${e(truncate(b.ranAlone.firstError, 200))})</span>` : ''}</td><td><pre>${e(truncate(b.error ?? b.flaky ?? '', 400))}</pre></td><td>${b.violations.length}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>headerproof report: ${e(summary.target)}</title><style>${CSS}</style></head>
<body>
<h1>headerproof report</h1>
<p class="meta">Target <code>${e(summary.target)}</code>${summary.preservedOrigin ? ` (browser on its own origin <code>${e(summary.preservedOrigin)}</code>)` : ''}${appLine(summary)}${summary.browsers?.length ? ` · ${e(browsersLine(summary))}` : ''} · started ${e(summary.startedAt)} · ${(summary.durationMs / 1000).toFixed(1)} s · ${summary.policies.length} polic${summary.policies.length === 1 ? 'y' : 'ies'} · headerproof ${e(summary.version)}</p>
<h2>Verdicts</h2>
<table><tr><th>policy</th><th>verdict${engines.length ? ' (worst)' : ''}</th>${engines.map((b) => `<th>${e(ENGINE_LABEL[b])}</th>`).join('')}${journeys.map((j) => `<th>${e(j)}</th>`).join('')}</tr>${matrix}</table>
<p class="meta">A cell shows the journey with the policy, and the baseline's outcome only where it differs. breaks: a journey that passes without the policy fails with it (or is skipped because of what its page showed) · would-break: the policy reported (or silently blocked) things the baseline does not have · inconclusive: nothing can be said about some journey (it fails on the baseline too, the target erred, or it was skipped or interrupted with the policy only) · safe: every journey conclusive, passing, nothing new reported. With several browser engines, journey@firefox ran in Firefox, the others in Chromium; the overall verdict is the worst engine's, and a header an engine does not enforce is named there (its pass says nothing about that header).</p>
<h2>Baseline (no policy)</h2>
${baselineAdvice(summary, image)}
<table><tr><th>journey</th><th>status</th><th>error</th><th>signal groups</th></tr>${baselineRows}</table>
${hostSection(summary)}
${policies.map((p) => policySection(p, image)).join('\n')}
</body></html>
`;
}
