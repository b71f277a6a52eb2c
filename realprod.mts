// ad-hoc: the production-report flow against a real Immich (not committed)
import { chromium } from 'playwright';
import { execFileSync } from 'node:child_process';
import { chromiumLaunchOptions } from './src/harness/browser.ts';
import { startNginx } from './tests/support/edges.ts';
import { startCollectorProcess } from './tests/support/collector.ts';
const target = process.env.TARGET!; const dir = process.env.DIR!;
const ep = Number(process.env.EP), cp = Number(process.env.CP); const origin = `http://127.0.0.1:${ep}`;
const exported = execFileSync('node', ['bin/headerproof.mjs','export','policies/bundle-e.yaml','--format','nginx','--report-uri',`${origin}/__csp`,'--collector',`http://127.0.0.1:${cp}`]).toString();
const edge = await startNginx(`${dir}/nginx`, target, exported, ep);
const col = await startCollectorProcess(['--db', `${dir}/r.sqlite`, '--origin', origin], cp);
const browser = await chromium.launch(chromiumLaunchOptions());
const context = await browser.newContext();
const r = await context.request.post(`${origin}/api/auth/login`, { data: { email: 'headerproof@example.com', password: 'test-user-password-1' } });
console.log('login', r.status());
const page = await context.newPage();
for (const p of ['/photos', '/map', '/explore', '/albums']) { await page.goto(`${origin}${p}`); await page.waitForTimeout(4000); }
await browser.close();
await new Promise((r) => setTimeout(r, 1500));
await col.stop(); edge.stop();
console.log(col.output());
