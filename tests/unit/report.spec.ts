import { test, expect } from '@playwright/test';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { decideVerdict } from '../../src/verdict/verdict.js';
import type { Summary } from '../../src/report/model.js';

const hostile = `"><img src=x onerror=alert(1)><script>alert(2)</script>javascript:alert(3)`;

function summaryWith(sample: string): Summary {
  const group = { kind: 'csp' as const, directive: 'img-src', blockedUrl: `https://evil.example/${sample}`, source: sample, sample, disposition: 'report' as const, journey: 'login', pageUrl: sample, count: 3, channels: ['event' as const] };
  const verdict = decideVerdict({ name: 'p', file: 'p.yaml', description: sample, served: { 'x-test': sample } }, [{ journey: 'login', status: 'passed', violations: [], upstreamErrors: 0 }], [{ journey: 'login', status: 'failed', error: sample, violations: [group], upstreamErrors: 0 }]);
  return { tool: 'headerproof', version: '0', target: sample, startedAt: 'now', durationMs: 1, baseline: [{ journey: 'login', status: 'passed', violations: [], upstreamErrors: 0 }], policies: [verdict], exitCode: 1 };
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
