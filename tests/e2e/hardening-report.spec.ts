// A hostile page puts markup and javascript: URLs into violation samples, blocked URLs, console
// text and page errors. Collected by the real signal collector in Chromium, written into the real
// report, and opened in Chromium: everything shows as text and nothing runs.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromiumLaunchOptions } from '../../src/harness/browser.js';
import { startProxy } from '../../src/proxy/proxy.js';
import { parsePolicy } from '../../src/policy/policy.js';
import { SignalCollector } from '../../src/observe/signals.js';
import { decideVerdict } from '../../src/verdict/verdict.js';
import { writeReports } from '../../src/report/summary.js';
import type { Summary } from '../../src/report/model.js';

test.use({ launchOptions: chromiumLaunchOptions() });

const PAYLOAD = `"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

test('hostile strings in violations are shown as text in the report and run nothing', async ({ browser }, testInfo) => {
  const hostile = http.createServer((req, res) => {
    if (req.url === '/hostile.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(`console.error(${JSON.stringify(`console ${PAYLOAD} javascript:window.__pwned=3`)});
        setTimeout(() => { throw new Error(${JSON.stringify(`pageerror ${PAYLOAD}`)}); });`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>hostile</title>
<script>/*${PAYLOAD}*/ 1</script>
<img src='/img/${encodeURIComponent(PAYLOAD)}.png'>
<img src="javascript:window.__pwned=4">
<script src="/hostile.js"></script>`);
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
  const policy = parsePolicy(`name: hostile\ndescription: ${JSON.stringify(PAYLOAD)}\ncsp:\n  directives:\n    script-src: ["'self'"]\n    img-src: ["'none'"]\n`);
  const proxy = await startProxy({ target, policy });
  try {
    const context = await browser.newContext();
    const signals = new SignalCollector('hostile', proxy.collector);
    await signals.attach(context);
    const page = await context.newPage();
    await page.goto(`${proxy.url}/`);
    await page.waitForTimeout(500);
    const violations = await signals.finish({ waitForReports: true });
    await context.close();
    // The hostile strings really reached the violations.
    expect(violations.some((v) => v.sample.includes('<img src=x'))).toBe(true);
    expect(violations.some((v) => v.kind === 'page-error' && v.sample.includes('<script>'))).toBe(true);
    expect(violations.some((v) => v.kind === 'console-error' && v.sample.includes('javascript:'))).toBe(true);

    const info = { name: 'hostile', file: PAYLOAD, description: PAYLOAD, served: { 'x-hostile': PAYLOAD } };
    const verdict = decideVerdict(info, [{ journey: 'hostile', status: 'passed', violations: [], upstreamErrors: 0 }],
      [{ journey: 'hostile', status: 'failed', error: PAYLOAD, violations, upstreamErrors: 0 }]);
    const summary: Summary = { tool: 'headerproof', version: '0', target: `${target}/${PAYLOAD}`, startedAt: PAYLOAD, durationMs: 1, baseline: [], policies: [verdict], exitCode: 1 };
    const out = testInfo.outputPath('report');
    writeReports(out, summary);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).not.toMatch(/(^|[^\\])<(img|script)/m); // every < is backslash-escaped

    const report = await browser.newPage();
    const dialogs: string[] = [];
    report.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await report.goto(`file://${path.join(out, 'index.html')}`);
    await report.locator('details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await report.waitForTimeout(300);
    expect(await report.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await report.locator('img[src="x"], img[src^="javascript:"]').count()).toBe(0);
    expect(await report.locator('script').count()).toBe(0);
    await expect(report.locator('body')).toContainText('<img src=x onerror="window.__pwned=1">');
    await testInfo.attach('hostile-report.png', { body: await report.screenshot({ fullPage: true }), contentType: 'image/png' });
  } finally {
    await proxy.close();
    hostile.close();
  }
});
