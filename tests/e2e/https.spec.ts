// HTTPS upstreams and the origin-preserving mode, through the real proxy, the lab served over
// HTTPS under a made-up name, and real Chromium.
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './helpers.js';
import { test, expect } from '@playwright/test';
import { chromium, type Browser } from 'playwright';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { startProxy, type RunningProxy } from '../../src/proxy/proxy.js';
import { generateCertificate, type GeneratedCertificate } from '../../src/tls/certificate.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { chromiumLaunchOptions, originPreservingArgs } from '../../src/harness/browser.js';

const HOST = 'photos.staging.test';
let labCert: GeneratedCertificate;
let lab: LabTarget;
const connectTo = () => ({ host: '127.0.0.1', port: Number(new URL(lab.url).port) });

test.beforeAll(async () => {
  labCert = await generateCertificate([HOST]);
  lab = await startLab({ tls: labCert });
});
test.afterAll(async () => lab?.close());

async function get(proxy: RunningProxy, path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const res = await fetch(`${proxy.url}${path}`, host ? { headers: { host } } : {});
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

test('an HTTPS target is verified by default: an untrusted certificate is a 502 naming the problem', async () => {
  const proxy = await startProxy({ target: `https://${HOST}`, policy: null, connectTo: connectTo() });
  try {
    const r = await get(proxy, '/api/server/ping');
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|self[- ]signed/i);
    expect(proxy.stats.lastUpstreamError).toMatch(/SELF_SIGNED/);
    expect(lab.requests).not.toContain('/api/server/ping');
  } finally {
    await proxy.close();
  }
});

test('with the target\'s CA (or --insecure) the proxy reaches it by name, with SNI and Host of that name', async () => {
  const policy = loadPolicy('policies/bundle-a.yaml');
  for (const trust of [{ ca: labCert.cert }, { verifyTls: false }]) {
    const proxy = await startProxy({ target: `https://${HOST}`, policy, connectTo: connectTo(), ...trust });
    try {
      const r = await get(proxy, '/api/server/ping');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ res: 'pong' });
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-powered-by']).toBeUndefined();
    } finally {
      await proxy.close();
    }
  }
  // Verification checks the certificate against the target's name: a wrong name fails even with the CA.
  const wrongName = await startProxy({ target: 'https://other.staging.test', policy: null, connectTo: connectTo(), ca: labCert.cert });
  try {
    const r = await get(wrongName, '/api/server/ping');
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/i);
  } finally {
    await wrongName.close();
  }
});

test.describe('origin-preserving mode in Chromium', () => {
  let proxyCert: GeneratedCertificate;
  let proxy: RunningProxy;
  let browser: Browser;

  test.beforeAll(async () => {
    proxyCert = await generateCertificate([HOST]);
    proxy = await startProxy({
      target: `https://${HOST}`, policy: loadPolicy('policies/bundle-b.yaml'), connectTo: connectTo(), ca: labCert.cert,
      tls: { cert: proxyCert.cert, key: proxyCert.key }, allowedHosts: [HOST],
    });
    browser = await chromium.launch(chromiumLaunchOptions(originPreservingArgs(HOST, proxy.port, proxyCert.spkiSha256)));
  });
  test.afterAll(async () => {
    await browser?.close();
    await proxy?.close();
  });

  test('the page runs on the real name over trusted HTTPS: Secure cookies stick and HSTS upgrades http://', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`https://${HOST}/auth/login`);
    expect(res?.status()).toBe(200);
    expect(await res?.headerValue('strict-transport-security')).toBe('max-age=86400');
    expect(await page.evaluate(() => [location.origin, window.isSecureContext])).toEqual([`https://${HOST}`, true]);
    // Log in with the form: the lab sets its cookies Secure (the request arrived over HTTPS).
    await page.locator('#email').fill(lab.credentials.email);
    await page.locator('#password').fill(lab.credentials.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await expect(page).toHaveURL(`https://${HOST}/photos`);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'immich_access_token')).toMatchObject({ secure: true, httpOnly: true, domain: HOST });
    // HSTS was accepted (it is ignored on untrusted certificates): plain http:// is upgraded before any request.
    await page.goto(`http://${HOST}/photos`);
    expect(page.url()).toBe(`https://${HOST}/photos`);
    await context.close();
  });

  test('only the target\'s name is mapped to the proxy, and a foreign Host is refused over TLS', async () => {
    // Another name the proxy's certificate does not cover: Chromium has no mapping and no trust for it.
    const page = await browser.newPage();
    const err = await page.goto('https://other.staging.test/').then(() => '', (e: Error) => e.message);
    expect(err).toMatch(/ERR_NAME_NOT_RESOLVED|ERR_CERT/);
    await page.close();
    // A foreign Host header over TLS is refused (DNS rebinding).
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: proxy.port, path: '/', servername: HOST, headers: { host: 'evil.example' }, ca: proxyCert.cert }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

test('audit reaches an HTTPS staging host with the same --ca-file / --connect-to rules, and refuses an untrusted one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-audit-ca-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, labCert.cert);
  const where = ['--connect-to', `127.0.0.1:${connectTo().port}`];
  const trusted = await runCli(['audit', `https://${HOST}`, '--json', '--ca-file', ca, ...where]);
  expect(trusted.code, trusted.stderr).toBe(1); // the bare lab has the ZAP findings
  const result = JSON.parse(trusted.stdout) as { target: string; urls: { role: string; status: number }[] };
  expect(result.target).toBe(`https://${HOST}`);
  expect(result.urls.find((u) => u.role === 'api')?.status).toBe(200);
  const untrusted = await runCli(['audit', `https://${HOST}`, ...where]);
  expect(untrusted.code).toBe(3);
  expect(untrusted.stderr).toMatch(/unreachable: DEPTH_ZERO_SELF_SIGNED_CERT/);
});
