// What production browsers reported, for people (one self-contained HTML page, the run report's
// style) and machines (JSON): grouped by directive and blocked origin, per browser family, with the
// trend over days. Every stored string came from a browser: all of it is escaped.
import { CSS } from '../report/html.js';
import { escapeHtml as e, truncate } from '../report/escape.js';
import type { StoreContents, StoredGroup } from './store.js';
import type { ViolationGroup } from '../observe/violation.js';
import { neededSources, PRODUCTION } from '../tune/synthesize.js';

/** A CSP report group as a violation of the pseudo-journey "production", for tune and suggestions. */
export function asViolation(g: StoredGroup): ViolationGroup {
  return {
    kind: 'csp', directive: g.directive, blockedUrl: g.blocked, source: g.source, sample: g.sample, disposition: g.disposition,
    journey: PRODUCTION, pageUrl: g.document, count: g.count, channels: ['report'],
  };
}

/** What a CSP would have to allow for this group, e.g. "connect-src https://tiles.immich.cloud". */
function toAllow(g: StoredGroup): string {
  if (g.kind !== 'csp' || !g.blocked) return '';
  if (g.blocked === 'inline') return 'a hash of that inline code (headerproof tune --from-reports computes it)';
  const { directives } = neededSources({ violations: [asViolation(g)], inlineBlocks: [] });
  return Object.entries(directives).map(([d, s]) => `${d} ${s.join(' ')}`).join('; ');
}

export interface ProductionReport {
  tool: 'headerproof';
  kind: 'production-reports';
  generatedAt: string;
  totals: { reports: number; groups: number; notStored: StoreContents['counters'] };
  browsers: Record<string, number>;
  days: Record<string, number>;
  groups: StoredGroup[];
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
};

export function productionJson(contents: StoreContents, now = new Date()): ProductionReport {
  const browsers: Record<string, number> = {};
  const days: Record<string, number> = {};
  for (const g of contents.groups) {
    add(browsers, g.browsers);
    add(days, g.days);
  }
  return {
    tool: 'headerproof',
    kind: 'production-reports',
    generatedAt: now.toISOString(),
    totals: { reports: contents.groups.reduce((n, g) => n + g.count, 0), groups: contents.groups.length, notStored: contents.counters },
    browsers: Object.fromEntries(Object.entries(browsers).sort((a, b) => b[1] - a[1])),
    days: Object.fromEntries(Object.entries(days).sort()),
    groups: contents.groups,
  };
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
const seen = (g: StoredGroup) => (when(g.firstSeen) === when(g.lastSeen) ? when(g.firstSeen) : `${when(g.firstSeen)} – ${when(g.lastSeen)}`);
const list = (r: Record<string, number>) => Object.entries(r).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${e(k)} ${n}`).join(', ');

function bars(days: Record<string, number>): string {
  const entries = Object.entries(days).sort();
  if (!entries.length) return '<p class="meta">No reports yet.</p>';
  const max = Math.max(...entries.map(([, n]) => n));
  return `<table><tr><th>day (UTC)</th><th>reports</th><th></th></tr>${entries.map(([d, n]) =>
    `<tr><td>${e(d)}</td><td>${n}</td><td><div style="background:#8aa4d6;height:.8rem;width:${Math.max(1, Math.round((n / max) * 300))}px"></div></td></tr>`).join('')}</table>`;
}

export function renderProductionHtml(contents: StoreContents, now = new Date()): string {
  const r = productionJson(contents, now);
  const byDirective = new Map<string, StoredGroup[]>();
  for (const g of r.groups) {
    const k = `${g.kind} ${g.directive}`;
    byDirective.set(k, [...(byDirective.get(k) ?? []), g]);
  }
  const sections = [...byDirective.entries()]
    .sort((a, b) => b[1].reduce((n, g) => n + g.count, 0) - a[1].reduce((n, g) => n + g.count, 0))
    .map(([k, groups]) => {
      const total = groups.reduce((n, g) => n + g.count, 0);
      const rows = groups.map((g) => `<tr><td><code>${e(truncate(g.blocked || '(feature)', 200))}</code></td><td>${e(g.disposition)}</td><td>${g.count}</td>
<td><code>${e(truncate(g.document, 200))}</code></td><td>${list(g.browsers)}</td><td style="white-space:nowrap">${e(seen(g))}</td>
<td><code>${e(truncate(g.source, 200))}</code></td><td><pre>${e(truncate(g.sample, 200))}</pre></td><td><code>${e(toAllow(g))}</code></td></tr>`).join('');
      return `<h2><code>${e(k)}</code> — ${total} report${total === 1 ? '' : 's'}</h2>
<table><tr><th>blocked</th><th>disposition</th><th>reports</th><th>page</th><th>browsers</th><th>seen (UTC)</th><th>source</th><th>sample</th><th>to allow it</th></tr>${rows}</table>`;
    });
  const notStored = Object.entries(r.totals.notStored).filter(([, n]) => n);
  const why: Record<string, string> = {
    'foreign-origin': 'about pages of other origins (not --origin)',
    extension: 'caused by browser extensions, not the app',
    'unknown-type': 'Reporting API types that are not about headers',
    overflow: 'past the cap on stored groups (--max-groups)',
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>headerproof: production reports</title><style>${CSS}</style></head>
<body>
<h1>Production reports</h1>
<p class="meta">What real browsers reported to <code>headerproof collect</code> · ${r.totals.reports} reports in ${r.totals.groups} groups · made ${e(r.generatedAt)} · pages with ids and keys are shown as patterns (<code>:id</code>, <code>:key</code>); query strings were never stored.</p>
${notStored.length ? `<div class="warn">Not stored: ${notStored.map(([k, n]) => `${n} ${e(why[k] ?? k)}`).join(' · ')}</div>` : ''}
<h2>Browsers</h2>
<p>${list(r.browsers) || '<span class="meta">none</span>'}</p>
<h2>Trend</h2>
${bars(r.days)}
${sections.join('\n') || '<p class="meta">No reports stored.</p>'}
</body></html>
`;
}

/** Plain text for the terminal: the biggest groups first. */
export function renderProductionText(contents: StoreContents): string {
  const r = productionJson(contents);
  const lines = [`${r.totals.reports} reports in ${r.totals.groups} groups; browsers: ${Object.entries(r.browsers).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`];
  for (const g of r.groups.slice(0, 40)) {
    lines.push(`  ${String(g.count).padStart(7)}  ${g.kind} ${g.directive} ${g.blocked || ''} (${g.disposition}) on ${g.document}${g.source ? ` from ${g.source}` : ''}`);
  }
  if (r.groups.length > 40) lines.push(`  … ${r.groups.length - 40} more groups (see the HTML or --json)`);
  const notStored = Object.entries(r.totals.notStored).filter(([, n]) => n);
  if (notStored.length) lines.push(`not stored: ${notStored.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
