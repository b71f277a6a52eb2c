// npm run bench: proxy overhead against direct and nginx, large-body throughput and memory,
// journey-suite scaling, and violation volume. Results: reports/bench/latest.json and a table.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { dedupe, type Violation } from '../src/observe/violation.js';
import { decideVerdict } from '../src/verdict/verdict.js';
import { renderHtml } from '../src/report/html.js';
import type { Summary } from '../src/report/model.js';
import { freePort, waitForPort } from '../tests/support/ports.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'reports', 'bench');
const GiB = 1024 ** 3;
const quick = process.argv.includes('--quick');

/** A child process running a script with tsx; returns its pid and a stop function. */
function child(script: string, args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return { pid: p.pid!, stop: () => p.kill('SIGTERM') };
}

// Read in-process: spawning `cat` every 50 ms blocked the measuring client's event loop (the
// large-body numbers were the sampler's, ~55 MB/s for every path, not the proxies').
function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Latency of one request at a time (what the proxy adds), then throughput under 50 connections. */
async function small(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const n = quick ? 1000 : 3000;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => http.get(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
    if (i >= 100) times.push(Number(process.hrtime.bigint() - t0) / 1e6); // after warm-up
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  const pct = (q: number) => Number(times[Math.floor(q * (times.length - 1))]!.toFixed(3));
  const r = await autocannon({ url, connections: 50, duration: quick ? 3 : 8, pipelining: 1 });
  return { rps: Math.round(r.requests.average), p50ms: pct(0.5), p99ms: pct(0.99), errors: r.errors + r.non2xx };
}

/** Reads `total` bytes as consecutive 16 MiB Range requests (bench/ranged-client.ts); MB/s. */
function ranged(url: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'bench/ranged-client.ts', url, String(total)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`ranged client exited ${code}`))));
  });
}

async function proxyBench() {
  const upstreamPort = await freePort();
  const proxyPort = await freePort();
  const upstream = child('bench/upstream.ts', [String(upstreamPort)]);
  await waitForPort(upstreamPort);
  const proxy = child('bench/proxy-process.ts', [String(proxyPort), `http://127.0.0.1:${upstreamPort}`]);
  await waitForPort(proxyPort);
  const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  let nginx: { stop: () => void; port: number } | undefined;
  if (nginxBin) {
    const dir = path.join(OUT, 'nginx');
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    writeFileSync(path.join(dir, 'nginx.conf'), `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1; daemon off; error_log ${dir}/error.log warn; pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server { listen 127.0.0.1:${port};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_max_temp_file_size 0;
      proxy_hide_header X-Powered-By; add_header X-Content-Type-Options "nosniff" always; } } }`);
    const p = spawn(nginxBin, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
    await waitForPort(port);
    nginx = { stop: () => p.kill('SIGQUIT'), port };
  }
  const total = quick ? 256 * 1024 * 1024 : GiB;
  const paths = [['direct', upstreamPort], ['headerproof', proxyPort], ...(nginx ? [['nginx', nginx.port]] : [])] as [string, number][];
  const results: Record<string, unknown> = {};
  // Large bodies: rounds that take the paths in turn, each round a quarter of `total` per path, and
  // the median round: this shared 2-core machine's speed drifts over seconds, so one path measured
  // all at once and another a minute later differ by more than the proxies do.
  const ROUNDS = 4;
  const mbps: Record<string, number[]> = {};
  let peak = 0;
  const before = rssKb(proxy.pid);
  try {
    for (const [name, port] of paths) results[name] = await small(`http://127.0.0.1:${port}/api/server/ping`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, port] of paths) {
        const sampler = name === 'headerproof' ? setInterval(() => { peak = Math.max(peak, rssKb(proxy.pid)); }, 50) : undefined;
        (mbps[name] ??= []).push(await ranged(`http://127.0.0.1:${port}/video.mp4`, total / ROUNDS));
        clearInterval(sampler);
      }
    }
    for (const [name] of paths) {
      const sorted = [...mbps[name]!].sort((a, b) => a - b);
      results[name] = {
        ...(results[name] as object), largeMBps: Math.round((sorted[ROUNDS / 2 - 1]! + sorted[ROUNDS / 2]!) / 2), largeRoundsMBps: mbps[name]!.map(Math.round),
        ...(name === 'headerproof' ? { rssBeforeMB: Math.round(before / 1024), rssPeakWhileStreamingMB: Math.round(peak / 1024) } : {}),
      };
    }
  } finally {
    nginx?.stop();
    proxy.stop();
    upstream.stop();
  }
  return { streamedBytes: total, ...results };
}

function runCli(args: string[], policies: string[] = []): Promise<number> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/headerproof.mjs'), ...args, ...(policies.length ? ['--policy', ...policies] : [])], { cwd: ROOT, stdio: 'ignore' });
    p.on('exit', () => resolve((Date.now() - t0) / 1000));
  });
}

async function suiteScaling() {
  const dir = path.join(OUT, 'policies');
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: 5 }, (_, i) => {
    const f = path.join(dir, `copy-${i + 1}.yaml`);
    writeFileSync(f, `name: copy-${i + 1}\ndescription: bundle A, copy ${i + 1}\nset:\n  X-Content-Type-Options: nosniff\nremove: [X-Powered-By]\n`);
    return f;
  });
  // Baseline only: a policy run with no candidate is not possible, so time baseline + 1 and subtract.
  const out: Record<string, number> = {};
  for (const n of quick ? [1, 3] : [1, 3, 5]) {
    // Each copy a pass of its own: this measures what one more pass costs (sharing: sharedEnforced).
    out[`baseline+${n}`] = await runCli(['run', '--no-blame', '--no-screenshots', '--no-share', '--workers', '2', '--out', path.join(OUT, `scale-${n}`), '--policy', ...files.slice(0, n)]);
  }
  const perPolicy = quick ? (out['baseline+3']! - out['baseline+1']!) / 2 : (out['baseline+5']! - out['baseline+1']!) / 4;
  const baselineOnly = out['baseline+1']! - perPolicy;
  return { seconds: out, perExtraPolicy: Number(perPolicy.toFixed(1)), baselineEstimate: Number(baselineOnly.toFixed(1)), ratio: Number((perPolicy / baselineOnly).toFixed(2)) };
}

// The second engine's share: the same baseline + 1 run in Chromium only and in Chromium and Firefox.
async function secondEngine(chromiumOnly: number) {
  const file = path.join(OUT, 'policies', 'copy-1.yaml');
  const both = await runCli(['run', '--no-blame', '--no-screenshots', '--workers', '2', '--browsers', 'chromium,firefox', '--out', path.join(OUT, 'engines-both'), '--policy', file]);
  return { chromiumOnly: Number(chromiumOnly.toFixed(1)), chromiumAndFirefox: Number(both.toFixed(1)), firefoxShare: Number(((both - chromiumOnly) / both).toFixed(2)) };
}

// A policy that stops the app's boot (a 4-directive CSP whose script-src omits the bootstrap):
// with fail fast its run should cost about what a passing policy's does, and its blame stay short.
async function bootFailure(passingRun: number) {
  const file = path.join(OUT, 'policies', 'boot-blocked-4.yaml');
  writeFileSync(file, [
    'name: boot-blocked-4', 'description: four directives; script-src omits the inline bootstrap', 'csp:', '  directives:',
    "    script-src: [\"'self'\", \"'wasm-unsafe-eval'\", 'blob:']", "    img-src: [\"'self'\", 'data:', 'blob:']",
    "    connect-src: [\"'self'\", 'https://tiles.immich.cloud', 'https://static.immich.cloud']", "    frame-ancestors: [\"'none'\"]", '',
  ].join('\n'));
  const noBlame = await runCli(['run', '--no-blame', '--no-screenshots', '--workers', '2', '--out', path.join(OUT, 'boot-noblame'), '--policy', file]);
  const withBlame = await runCli(['run', '--no-screenshots', '--workers', '2', '--out', path.join(OUT, 'boot-blame'), '--policy', file]);
  return { passingRun: Number(passingRun.toFixed(1)), blockedRun: Number(noBlame.toFixed(1)), ratio: Number((noBlame / passingRun).toFixed(2)), blameSeconds: Number((withBlame - noBlame).toFixed(1)) };
}

// Blame of a 16-part policy that breaks the map (one directive): every part at once against
// bisection (--bisect), each as the time from the end of the verdict run to the end of blame.
async function blameSearch() {
  const file = path.join(ROOT, 'tests', 'fixtures', 'policies', 'csp-no-blob-worker.yaml');
  const common = ['run', '--no-screenshots', '--workers', '2', '--journeys', 'map', '--policy', file];
  const noBlame = await runCli([...common, '--no-blame', '--out', path.join(OUT, 'blame-none')]);
  const allAtOnce = await runCli([...common, '--out', path.join(OUT, 'blame-all')]);
  const bisected = await runCli([...common, '--bisect', '--out', path.join(OUT, 'blame-bisect')]);
  const summary = JSON.parse(readFileSync(path.join(OUT, 'blame-bisect', 'summary.json'), 'utf8')) as Summary;
  const bisection = summary.policies[0]?.blame?.[0]?.bisection;
  return { parts: bisection?.parts ?? 0, reruns: bisection?.reruns ?? 0, allAtOnceSeconds: Number((allAtOnce - noBlame).toFixed(1)), bisectedSeconds: Number((bisected - noBlame).toFixed(1)) };
}

// Stacked report-only candidates (src/proxy/stack.ts): baseline + 10 report-only CSPs in one pass,
// against the baseline alone (naming only the baseline file runs just the baseline).
async function stackedCandidates() {
  const dir = path.join(OUT, 'policies-report-only');
  mkdirSync(dir, { recursive: true });
  const sources = ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'", 'data:', 'blob:', 'https:'];
  const files = ['script-src', 'img-src', 'connect-src', 'worker-src', 'style-src', 'font-src', 'media-src', 'default-src', 'frame-src', 'manifest-src'].map((directive, i) => {
    const f = path.join(dir, `ro-${i + 1}.yaml`);
    // Half of them report something (only 'self'), half allow what Immich needs.
    const allowed = i % 2 ? sources : ["'self'"];
    writeFileSync(f, `name: ro-${i + 1}\ndescription: report-only ${directive}\ncsp:\n  reportOnly: true\n  directives:\n    ${directive}: [${allowed.map((x) => JSON.stringify(x)).join(', ')}]\n`);
    return f;
  });
  const common = ['run', '--no-blame', '--no-screenshots', '--workers', '2'];
  const baselineOnly = await runCli([...common, '--out', path.join(OUT, 'stack-baseline'), '--policy', path.join(ROOT, 'policies/baseline.yaml')]);
  const stacked = await runCli([...common, '--out', path.join(OUT, 'stack-10'), '--policy', ...files]);
  return { baselineOnly: Number(baselineOnly.toFixed(1)), baselinePlus10Stacked: Number(stacked.toFixed(1)), ratio: Number((stacked / baselineOnly).toFixed(2)) };
}

// Enforced candidates sharing a pass (src/proxy/share.ts), all journeys on the lab: the six shipped
// bundles, ten safe enforced candidates, and the same ten with one that breaks (fullscreen=()),
// each against a run of one bundle (which includes its baseline).
async function sharedEnforced() {
  const dir = path.join(OUT, 'policies-enforced');
  mkdirSync(dir, { recursive: true });
  const safe: Record<string, string> = {
    nosniff: 'set:\n  X-Content-Type-Options: nosniff\n', xfo: 'set:\n  X-Frame-Options: SAMEORIGIN\n', corp: 'set:\n  Cross-Origin-Resource-Policy: same-origin\n',
    hsts: 'set:\n  Strict-Transport-Security: max-age=86400\n', referrer: 'set:\n  Referrer-Policy: same-origin\n', camera: 'set:\n  Permissions-Policy: camera=()\n',
    microphone: 'set:\n  Permissions-Policy: microphone=(), usb=()\n', 'frame-ancestors': "csp:\n  directives:\n    frame-ancestors: [\"'self'\"]\n",
    'object-src': "csp:\n  directives:\n    object-src: [\"'none'\"]\n", 'base-uri': "csp:\n  directives:\n    base-uri: [\"'self'\"]\n",
  };
  const write = (name: string, body: string) => {
    const f = path.join(dir, `${name}.yaml`);
    writeFileSync(f, `name: ${name}\ndescription: enforced ${name}\n${body}`);
    return f;
  };
  const ten = Object.entries(safe).map(([n, b]) => write(n, b));
  const breaking = write('fullscreen-denied', 'set:\n  Permissions-Policy: fullscreen=()\n');
  const common = ['run', '--no-blame', '--no-screenshots', '--workers', '2'];
  const oneBundle = await runCli([...common, '--out', path.join(OUT, 'share-one'), '--policy', path.join(ROOT, 'policies/bundle-a.yaml')]);
  const sixBundles = await runCli([...common, '--out', path.join(OUT, 'share-six')]);
  const sixAlone = await runCli([...common, '--no-share', '--out', path.join(OUT, 'share-six-alone')]);
  const tenSafe = await runCli([...common, '--out', path.join(OUT, 'share-ten')], ten);
  const tenOneBreaking = await runCli([...common, '--out', path.join(OUT, 'share-ten-breaking')], [...ten.slice(1), breaking]);
  // What the breaking one costs on its own: its pass (the failing journey and its retry included),
  // i.e. a run of it alone less a run of the baseline alone.
  const baselineAlone = await runCli([...common, '--out', path.join(OUT, 'share-baseline')], [path.join(ROOT, 'policies/baseline.yaml')]);
  const breakingAlone = await runCli([...common, '--out', path.join(OUT, 'share-breaking-alone')], [breaking]);
  const verdicts = (name: string) => (JSON.parse(readFileSync(path.join(OUT, name, 'summary.json'), 'utf8')) as Summary).policies.map((p) => `${p.policy.name}:${p.verdict}`).sort().join(' ');
  const r = (x: number) => Number(x.toFixed(1));
  return {
    oneBundle: r(oneBundle), sixBundles: r(sixBundles), sixBundlesAlone: r(sixAlone), tenSafe: r(tenSafe), tenOneBreaking: r(tenOneBreaking),
    sixRatio: Number((sixBundles / oneBundle).toFixed(2)), tenRatio: Number((tenSafe / oneBundle).toFixed(2)),
    // What the breaking one adds, in passes of one candidate (a run of one bundle is two passes).
    breakingExtraPasses: Number(((tenOneBreaking - tenSafe) / (oneBundle / 2)).toFixed(2)),
    breakingExtra: r(tenOneBreaking - tenSafe), breakingOwn: r(breakingAlone - baselineAlone),
    sameVerdictsAsAlone: verdicts('share-six') === verdicts('share-six-alone'),
    tenBreakingVerdicts: verdicts('share-ten-breaking'),
  };
}

function violationVolume() {
  const violations: Violation[] = [];
  for (let i = 0; i < 100_000; i++) {
    violations.push({ kind: 'csp', directive: ['img-src', 'connect-src', 'script-src-elem'][i % 3]!, blockedUrl: `https://cdn${i % 500}.example/asset`, source: `https://photos.example.org/_app/x.js:${i % 40}:1`, sample: `<sample ${i % 900}>`, disposition: i % 2 ? 'report' : 'enforce', journey: ['login', 'map', 'timeline'][i % 3]!, pageUrl: 'https://photos.example.org/photos', channel: i % 4 ? 'event' : 'report' });
  }
  const t0 = performance.now();
  const groups = dedupe(violations);
  const verdict = decideVerdict({ name: 'big', file: 'big.yaml', description: 'volume', served: {} }, [{ journey: 'login', status: 'passed', violations: [], upstreamErrors: 0 }], [{ journey: 'login', status: 'passed', violations: groups, upstreamErrors: 0 }]);
  const summary: Summary = { tool: 'headerproof', version: 'bench', target: 'bench', startedAt: '', durationMs: 0, baseline: [], policies: [verdict], exitCode: 1 };
  const html = renderHtml(summary);
  const ms = performance.now() - t0;
  return { violations: violations.length, groups: groups.length, htmlBytes: html.length, ms: Math.round(ms) };
}

/**
 * headerproof collect: reports/s through HTTP (report-uri bodies, one report a request, 50
 * connections, 2,000 groups), and the SQLite file's size after a million reports over 30 days.
 */
async function collectorBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-bench-collect-'));
  const port = await freePort();
  const origin = 'https://photos.example.org';
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/headerproof.mjs'), 'collect', '--db', path.join(dir, 'http.sqlite'), '--origin', origin, '--listen', `127.0.0.1:${port}`, '--rate', '100000', '--burst', '100000'], { cwd: ROOT, stdio: 'ignore' });
  await waitForPort(port, 20_000);
  let n = 0;
  const body = () => JSON.stringify({ 'csp-report': { 'document-uri': `${origin}/photos/${n % 50}`, 'blocked-uri': `https://cdn${n++ % 2000}.example/x.js`, 'effective-directive': 'script-src-elem', disposition: 'report' } });
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/__csp`, connections: 50, duration: quick ? 3 : 8, method: 'POST',
    headers: { 'content-type': 'application/csp-report' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const rssMB = Math.round(rssKb(proc.pid!) / 1024);
  proc.kill('SIGTERM');

  // A million reports straight into the store, as the writer batches them (1,000 a commit).
  const { openStore } = await import('../src/collect/store.js');
  const file = path.join(dir, 'million.sqlite');
  const store = await openStore(file, { maxGroups: 100_000 });
  const total = quick ? 200_000 : 1_000_000;
  const browsers = ['Chrome', 'Firefox', 'Safari', 'Edge'];
  const t0 = performance.now();
  for (let b = 0; b < total / 1000; b++) {
    const entries = Array.from({ length: 1000 }, (_, i) => {
      const k = (b * 1000 + i) * 7919;
      return { kind: 'csp' as const, directive: ['script-src-elem', 'img-src', 'connect-src'][k % 3]!, blocked: `https://cdn${k % 1000}.example`, document: `${origin}/p${k % 5}/:id`, source: `${origin}/_app/immutable/chunks/c${k % 20}.js:${k % 300}`, disposition: 'report' as const, sample: '', browser: browsers[k % 4]! };
    });
    await store.record(entries, {}, Date.UTC(2026, 10, 1) + (b % 30) * 86_400_000);
  }
  const storeSeconds = (performance.now() - t0) / 1000;
  const groups = (await store.contents()).groups.length;
  await store.close(); // checkpoints the write-ahead log into the file
  const bytes = statSync(file).size;
  rmSync(dir, { recursive: true, force: true });
  return {
    httpReportsPerSecond: Math.round(r.requests.average), httpErrors: r.errors + r.non2xx, rssMB,
    storeReportsPerSecond: Math.round(total / storeSeconds), reports: total, groups, fileMB: Number((bytes / 1024 / 1024).toFixed(1)),
    mbPerMillion: Number(((bytes / 1024 / 1024) * (1_000_000 / total)).toFixed(1)),
  };
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / GiB)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`;
mkdirSync(OUT, { recursive: true });
console.log(`headerproof bench on ${machine}${quick ? ' (quick)' : ''}`);
if (process.argv.includes('--shared-only')) {
  // The shared-pass section alone, printed, nothing written.
  console.log(JSON.stringify(await sharedEnforced(), null, 2));
  process.exit(0);
}
// The proxy first, while this process's heap is small: autocannon runs in it.
const proxy = await proxyBench();
console.log('proxy overhead done');
if (process.argv.includes('--proxy-only')) {
  // For profiling the proxy: this section alone, printed, nothing written.
  console.log(JSON.stringify(proxy, null, 2));
  process.exit(0);
}
const volume = violationVolume();
console.log('violation volume done');
const scaling = await suiteScaling();
const stacked = await stackedCandidates();
console.log('stacked report-only candidates done');
const shared = await sharedEnforced();
console.log('shared enforced candidates done');
const boot = await bootFailure(scaling.seconds['baseline+1']!);
console.log('boot failure done');
const blame = await blameSearch();
console.log('blame search done');
const engines = await secondEngine(scaling.seconds['baseline+1']!);
console.log('second engine done');
const collect = await collectorBench();
console.log('collector done');
const result = { date: new Date().toISOString(), machine, quick, proxy, scaling, stacked, shared, boot, blame, engines, volume, collect };
writeFileSync(path.join(OUT, 'latest.json'), JSON.stringify(result, null, 2));

const p = proxy as unknown as Record<string, { rps: number; p50ms: number; p99ms: number; errors: number; largeMBps: number; rssPeakWhileStreamingMB?: number; rssBeforeMB?: number }>;
const rows = ['direct', 'headerproof', 'nginx'].filter((k) => p[k]).map((k) => `| ${k} | ${p[k]!.rps} | ${p[k]!.p50ms} | ${p[k]!.p99ms} | ${p[k]!.errors} | ${p[k]!.largeMBps} |`);
const added = p.headerproof!.p50ms - p.direct!.p50ms;
const table = [
  `Machine: ${machine}; ${result.date}${quick ? ' (quick)' : ''}`,
  '',
  '| path | small req/s | p50 ms | p99 ms | errors | Range MB/s |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  'Latency: one request at a time on a keep-alive connection; req/s: 50 connections (autocannon, same machine, so client and server share the 2 cores).',
  '',
  `- p50 added by headerproof: ${added.toFixed(3)} ms (target ≤ 0.3 ms: ${added <= 0.3 ? 'met' : 'NOT met'})`,
  ...(p.nginx ? [
    `- small requests vs nginx: ${(p.headerproof!.rps / p.nginx.rps).toFixed(2)}× (target ≥ 0.8×: ${p.headerproof!.rps / p.nginx.rps >= 0.8 ? 'met' : 'NOT met'})`,
    `- large-body throughput vs nginx: ${(p.headerproof!.largeMBps / p.nginx.largeMBps).toFixed(2)}× (target ≥ 0.9×: ${p.headerproof!.largeMBps / p.nginx.largeMBps >= 0.9 ? 'met' : 'NOT met'})`,
  ] : ['- nginx not installed: no nginx comparison']),
  `- proxy RSS ${p.headerproof!.rssBeforeMB} MB before, peak ${p.headerproof!.rssPeakWhileStreamingMB} MB while streaming ${(proxy.streamedBytes / GiB).toFixed(2)} GiB (flat = no buffering)`,
  `- suite (all journeys): ${Object.entries(scaling.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}; each extra policy ${scaling.perExtraPolicy} s = ${scaling.ratio}× the baseline (target ≤ 0.5×: ${scaling.ratio <= 0.5 ? 'met' : 'NOT met'})`,
  `- baseline + 10 report-only candidates, stacked in one pass: ${stacked.baselinePlus10Stacked} s vs ${stacked.baselineOnly} s for the baseline alone = ${stacked.ratio}× (target ≤ 1.5×: ${stacked.ratio <= 1.5 ? 'met' : 'NOT met'})`,
  `- enforced candidates sharing a pass (all journeys): the six shipped bundles ${shared.sixBundles} s (${shared.sixBundlesAlone} s each alone, same verdicts: ${shared.sameVerdictsAsAlone ? 'yes' : 'NO'}) vs ${shared.oneBundle} s for one bundle = ${shared.sixRatio}× (target ≤ 1.3×: ${shared.sixRatio <= 1.3 ? 'met' : 'NOT met'}); ten safe enforced candidates ${shared.tenSafe} s = ${shared.tenRatio}× (target ≤ 1.3×: ${shared.tenRatio <= 1.3 ? 'met' : 'NOT met'}); nine safe + one breaking ${shared.tenOneBreaking} s: ${shared.breakingExtra} s more than ten safe (${shared.breakingExtraPasses} passes), against ${shared.breakingOwn} s for its own pass alone (target: no more: ${shared.breakingExtra <= shared.breakingOwn ? 'met' : 'NOT met'}; ${shared.tenBreakingVerdicts})`,
  `- a policy that blocks the app's boot (4 directives): run ${boot.blockedRun} s vs ${boot.passingRun} s for a passing policy = ${boot.ratio}× (target ≤ 1.5×: ${boot.ratio <= 1.5 ? 'met' : 'NOT met'}); its blame ${boot.blameSeconds} s (target ≤ 60 s: ${boot.blameSeconds <= 60 ? 'met' : 'NOT met'})`,
  `- blame of a ${blame.parts}-part policy that breaks the map: every part at once ${blame.allAtOnceSeconds} s (${blame.parts} re-runs), bisected (--bisect) ${blame.bisectedSeconds} s (${blame.reruns} re-runs)`,
  `- second engine (baseline + 1 policy, all journeys): Chromium only ${engines.chromiumOnly} s, Chromium and Firefox ${engines.chromiumAndFirefox} s: Firefox is ${Math.round(engines.firefoxShare * 100)}% of the two-engine run`,
  `- headerproof collect: ${collect.httpReportsPerSecond} reports/s over HTTP (one report a request, 50 connections, ${collect.httpErrors} errors, RSS ${collect.rssMB} MB); the SQLite store alone ${collect.storeReportsPerSecond} reports/s; ${collect.reports.toLocaleString('en')} reports in ${collect.groups} groups over 30 days = ${collect.fileMB} MB (${collect.mbPerMillion} MB per million reports: storage grows with groups and days, not reports)`,
  `- ${volume.violations} violations → ${volume.groups} groups → ${Math.round(volume.htmlBytes / 1024)} KiB HTML in ${volume.ms} ms (target < 2000 ms: ${volume.ms < 2000 ? 'met' : 'NOT met'})`,
].join('\n');
writeFileSync(path.join(OUT, 'latest.md'), table + '\n');
console.log(`\n${table}\n\nwritten: reports/bench/latest.json, reports/bench/latest.md`);
