import { test, expect } from '@playwright/test';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { decideVerdict } from '../../src/verdict/verdict.js';
import type { Summary } from '../../src/report/model.js';

const hostile = `"><img src=x onerror=alert(1)><script>alert(2)</script>javascript:alert(3)`;

function summaryWith(sample: string): Summary {
  const group = { kind: 'csp' as const, directive: 'img-src', blockedUrl: `https://evil.example/${sample}`, source: sample, sample, disposition: 'report' as const, journey: 'login', pageUrl: sample, count: 3, channels: ['event' as const] };
  const verdict = decideVerdict({ name: 'p', file: 'p.yaml', description: sample, served: { 'x-test': sample } }, [{ journey: 'login', status: 'passed', violations: [], upstreamErrors: 0 }], [{ journey: 'login', status: 'failed', error: sample, violations: [group], upstreamErrors: 0 }]);
  return { tool: 'headerproof', version: '0', target: sample, app: { app: 'immich', title: 'Immich', version: sample, shape: 'v3.1', supported: false }, startedAt: 'now', durationMs: 1, baseline: [{ journey: 'login', status: 'passed', violations: [], upstreamErrors: 0 }],
    baselineAdvice: [{ journey: 'map', status: 'failed', what: sample, advice: sample }], policies: [verdict], exitCode: 1 };
}

test('HTML report escapes every page-supplied string', () => {
  const html = renderHtml(summaryWith(hostile));
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain('<script>alert');
  expect(html).toContain('&#60;script&#62;alert(2)');
  // The report forbids scripts itself, as a second line of defence.
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
});

test('Markdown summary escapes table-breaking and HTML characters', () => {
  const md = renderMarkdown(summaryWith('a|b<script>'));
  expect(md).toContain('a\\|b\\<script\\>');
  expect(md).toContain('| p | ❌ breaks |');
});

test('verdict matrix: baseline shown only where it differs, breaks first, natural policy order, Immich version named', () => {
  const ok = (journey: string) => ({ journey, status: 'passed' as const, violations: [], upstreamErrors: 0 });
  const info = (name: string) => ({ name, file: `policies/${name}.yaml`, description: '', served: {} });
  const safe = (name: string) => decideVerdict(info(name), [ok('login'), ok('map')], [ok('login'), ok('map')]);
  const broken = decideVerdict(info('h10'), [ok('login'), ok('map')], [ok('login'), { journey: 'map', status: 'failed', error: 'no map markers appeared', violations: [], upstreamErrors: 0 }]);
  const summary: Summary = { tool: 'headerproof', version: '0', target: 'lab', app: { app: 'immich', title: 'Immich', version: '1.135.3', shape: 'v1.135', supported: true }, startedAt: 'now', durationMs: 1,
    baseline: [ok('login'), ok('map')], baselineAdvice: [], policies: [safe('h2'), safe('h9'), broken], exitCode: 1 };
  const html = renderHtml(summary);
  const rows = [...html.matchAll(/<tr><th><a href="#policy-([^"]+)">/g)].map((m) => m[1]);
  expect(rows).toEqual(['h10', 'h2', 'h9']);
  expect(html.match(/\(baseline passed\)/g)).toHaveLength(1); // only map under h10
  expect(html).toContain('Immich 1.135.3, journeys for version shape <code>v1.135</code>');
  expect(renderMarkdown(summary)).toMatch(/\| h10 \| ❌ breaks \|[\s\S]*\| h2 \|[\s\S]*\| h9 \|/);
});

test('summary lists policies in natural order (h2 before h10)', async () => {
  const { buildSummary } = await import('../../src/verdict/summary.js');
  const rec = (project: string, role: 'baseline' | 'candidate') => ({ project, role, policyFile: `${project}.yaml`, result: { journey: 'login', status: 'passed' as const, violations: [], upstreamErrors: 0 } });
  const summary = buildSummary([rec('baseline', 'baseline'), rec('h10', 'candidate'), rec('h2', 'candidate'), rec('h1', 'candidate')], { startedAt: new Date(), durationMs: 1 });
  expect(summary.policies.map((p) => p.policy.name)).toEqual(['h1', 'h2', 'h10']);
});
