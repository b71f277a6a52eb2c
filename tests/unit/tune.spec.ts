import { test, expect } from '@playwright/test';
import { appProfile } from '../../src/apps/index.js';
import { capturedBlock, capturedHandler, cspHash, decodeAttribute, extractInlineBlocks, mergeBlocks, type InlineBlock } from '../../src/proxy/inline-scripts.js';
import { allowInlineHandlers, allowInlineScriptElements, allowInlineStyleElements, neededSources, PRODUCTION, synthesize, UNSAFE_STYLES_COST, unstableRuntimeBlocks, widen } from '../../src/tune/synthesize.js';
import { describeViolation } from '../../src/tune/tune.js';
import { tunedPolicyYaml } from '../../src/tune/policy-file.js';
import { isTrustedTypes, proposeTrustedTypes, trustedTypesPolicyYaml, trustedTypesSummary } from '../../src/tune/trusted-types.js';
import { parsePolicy } from '../../src/policy/policy.js';
import type { ViolationGroup } from '../../src/observe/violation.js';

const PAGE = 'https://photos.example.org/photos';
const v = (directive: string, blockedUrl: string, journey = 'timeline', over: Partial<ViolationGroup> = {}): ViolationGroup => ({
  kind: 'csp', directive, blockedUrl, source: '', sample: '', disposition: 'report', journey, pageUrl: PAGE, count: 1, channels: ['event'], ...over,
});

test('cspHash matches the CSP spec example', () => {
  expect(cspHash("alert('Hello, world.');")).toBe("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
});

test('extractInlineBlocks: executable inline scripts and styles only, marks build-specific code as the app\'s profile says', () => {
  const html = `<script>a()</script><script src="/x.js"></script><script type="application/json">{"a":1}</script>
<script type="module">import('/_app/immutable/entry/start.x.js')</script><style>b{}</style>`;
  const blocks = extractInlineBlocks(html, '/p', appProfile('immich').build?.inlineBootstrap);
  expect(blocks.map((b) => [b.kind, b.hash === cspHash(b.kind === 'style' ? 'b{}' : b.sample), b.buildSpecific])).toEqual([
    ['script', true, false], ['script', true, true], ['style', true, false],
  ]);
  // The core knows no app's build: without the profile's mark nothing is flagged.
  expect(extractInlineBlocks(html, '/p').map((b) => b.buildSpecific)).toEqual([false, false, false]);
});

const theme: InlineBlock = { kind: 'script', hash: cspHash('theme()'), path: '/auth/login', sample: 'theme()', buildSpecific: false };
const boot: InlineBlock = { kind: 'script', hash: cspHash('{ __sveltekit_x = 1 }'), path: '/photos', sample: '{ __sveltekit_x = 1 }', buildSpecific: true };
const bootLonger: InlineBlock = { ...boot, path: '/photos/1234' };
const stencil: InlineBlock = { kind: 'style', hash: cspHash('#stencil{}'), path: '/photos', sample: '#stencil{}', buildSpecific: false };

test('synthesis from a fixed set of observations: the smallest policy, most specific forms', () => {
  const s = synthesize({
    violations: [
      v('script-src-elem', 'inline', 'login'),
      v('script-src-elem', 'https://photos.example.org/_app/immutable/entry/app.js'),
      v('style-src-elem', 'inline'),
      v('style-src-attr', 'inline'),
      v('img-src', 'https://photos.example.org/api/assets/1/thumbnail'),
      v('img-src', 'data', 'map'),
      v('connect-src', 'wss://photos.example.org/api/socket.io/'),
      v('connect-src', 'https://tiles.immich.cloud', 'map'),
      v('worker-src', 'blob', 'map'),
      v('script-src', 'wasm-eval'),
      { ...v('img-src', 'https://cdn.example'), kind: 'corp' }, // not a CSP violation: ignored
    ],
    inlineBlocks: [theme, boot, bootLonger, stencil],
  });
  expect(s.directives).toEqual({
    'default-src': ["'none'"],
    'script-src': [theme.hash, boot.hash, "'self'", "'wasm-unsafe-eval'"],
    'style-src': [stencil.hash],
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'", 'https://tiles.immich.cloud'],
    'worker-src': ['blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
  });
  expect(s.directives['script-src']).not.toContain("'unsafe-inline'");
  const tiles = s.notes.find((n) => n.source === 'https://tiles.immich.cloud')!;
  expect(tiles.journeys).toEqual(['map']);
  expect(s.notes.find((n) => n.source === boot.hash)!.note).toContain('(seen on /photos)');
  expect(s.notes.find((n) => n.source === boot.hash)!.note).toContain('changes with every app build');
});

test('eval and inline handlers are flagged for a person, never silently allowed as unsafe-inline', () => {
  const s = neededSources({ violations: [v('script-src', 'eval'), v('script-src-attr', 'inline')], inlineBlocks: [] });
  expect(s.directives).toEqual({ 'script-src': ["'unsafe-eval'"] });
  expect(s.warnings.join()).toContain("'unsafe-eval' needed by timeline");
  // A handler whose text no page or served HTML gave: named for tune's narrowest allowance, never hashed.
  expect(s.unreadableHandlers.map((x) => x.directive)).toEqual(['script-src-attr']);
});

test('the handler allowance is script-src-attr \'unsafe-inline\' alone, and widening never puts a hash beside it', () => {
  const d = allowInlineHandlers({ 'default-src': ["'none'"], 'script-src': ["'self'", theme.hash], 'script-src-attr': ["'unsafe-hashes'", "'sha256-h'"] });
  expect(d['script-src-attr']).toEqual(["'unsafe-inline'"]);
  expect(d['script-src']).toEqual(["'self'", theme.hash]);
  expect(allowInlineHandlers({ 'default-src': ["'self'"] })).toEqual({ 'default-src': ["'self'"], 'script-src': ["'self'"], 'script-src-attr': ["'unsafe-inline'"] });
  expect(widen(d, { 'script-src-attr': ["'unsafe-hashes'", "'sha256-x'"] })['script-src-attr']).toEqual(["'unsafe-inline'"]);
  const e = allowInlineScriptElements({ 'default-src': ["'none'"], 'script-src': ["'self'", theme.hash] });
  expect(e['script-src-elem']).toEqual(["'self'", "'unsafe-inline'"]);
  expect(e['script-src-attr'], 'handlers keep what they fell back to').toEqual(["'self'", theme.hash]);
});

test('a script file the app fetched and ran as inline text is allowed by its hash only where a sample names it', () => {
  const file: InlineBlock = { kind: 'script', hash: cspHash('"use strict";var __esbuild_esm_mermaid_x=1'), path: '/vendor/mermaid/mermaid.min.js', sample: '"use strict";var __esbuild_esm_mermaid_x=1', buildSpecific: false, fetched: true };
  const withSample = neededSources({ violations: [v('script-src-elem', 'inline', 'editor', { sample: '"use strict";var __esbuild_esm_mermaid_x' })], inlineBlocks: [theme, file] });
  expect(withSample.directives['script-src']).toEqual([theme.hash, file.hash]);
  expect(withSample.notes.find((n) => n.source === file.hash)!.note).toContain('script file /vendor/mermaid/mermaid.min.js, fetched and run');
  // No sample ('none' asks for none): the served inline blocks, never every file the app loaded.
  expect(neededSources({ violations: [v('script-src-elem', 'inline')], inlineBlocks: [theme, file] }).directives['script-src']).toEqual([theme.hash]);
});

test('inline event handlers: script-src-attr \'unsafe-hashes\' with the hash of each handler the browser read, nothing else', () => {
  const onclick = capturedHandler('onclick', 'RED.search.show(); return false;', 'a', 'http://127.0.0.1:1880/', 'http://127.0.0.1:1880/red/red.min.js:16');
  const onload = capturedHandler('onload', 'init()', 'img', 'http://127.0.0.1:1880/', '');
  expect(onclick).toMatchObject({ kind: 'handler', hash: cspHash('RED.search.show(); return false;'), attribute: '<a> onclick', path: '/', source: '/red/red.min.js:16' });
  // A handler is never "inserted at run time", whether the proxy served it or code set it.
  expect(mergeBlocks([], [onclick]).map((b) => b.runtime)).toEqual([undefined]);
  const s = synthesize({ violations: [v('script-src-attr', 'inline', 'editor', { sample: 'RED.search.show(); return' })], inlineBlocks: [onclick, onload, theme] });
  expect(s.directives['script-src-attr']).toEqual(["'unsafe-hashes'", onclick.hash]);
  expect(s.directives['script-src']).toBeUndefined();
  expect(s.warnings).toEqual([]);
  expect(s.notes.find((n) => n.source === onclick.hash)!.note).toContain('inline event handler <a> onclick (seen on /)');
  // Without a sample (Firefox gives one; a directive of 'none' alone asks for none) every handler read is allowed.
  expect(neededSources({ violations: [v('script-src-attr', 'inline')], inlineBlocks: [onclick, onload] }).directives['script-src-attr']).toEqual(["'unsafe-hashes'", onclick.hash, onload.hash]);
  // Production reports carry only a sample: a handler no journey read cannot be hashed.
  const prod = neededSources({ violations: [v('script-src-attr', 'inline', PRODUCTION, { sample: 'other()' })], inlineBlocks: [onclick] });
  expect(prod.directives).toEqual({});
  expect(prod.unhashable).toHaveLength(1);
});

test('served HTML: inline event handlers in tags and templates are hashed as the browser reads them, not look-alikes in code', () => {
  const html = `<script type="text/html" data-help-name="inject"><p><a href="#" onclick="RED.search.show('type:inject'); return false;">x</a></p></script>
<button ONCLICK='go("a &amp; b")' disabled>b</button><img src=x onerror=fallback()>
<script>var onload = "not a handler"; el.onclick = "nor this";</script><div data-x="a>b" onmouseover="if (a &gt; b) hi()"></div>`;
  const handlers = extractInlineBlocks(html, '/nodes').filter((b) => b.kind === 'handler');
  expect(handlers.map((h) => [h.attribute, h.hash === cspHash(h.sample)])).toEqual([
    ['<a> onclick', true], ['<button> onclick', true], ['<img> onerror', true], ['<div> onmouseover', true],
  ]);
  expect(handlers.map((h) => h.sample)).toEqual(["RED.search.show('type:inject'); return false;", 'go("a & b")', 'fallback()', 'if (a > b) hi()']);
  expect(decodeAttribute('&#39;&#x41;&lt;&unknown;')).toBe("'A<&unknown;");
  // A violation's sample picks its handler among those served.
  const s = neededSources({ violations: [v('script-src-attr', 'inline', 'editor', { sample: "RED.search.show('type:inject'); return f\u2026" })], inlineBlocks: handlers });
  expect(s.directives['script-src-attr']).toEqual(["'unsafe-hashes'", handlers[0]!.hash]);
});

test('widen only adds, and a new directive starts from what it used to fall back to', () => {
  const base = { 'default-src': ["'self'"], 'script-src': ["'self'"] };
  expect(widen(base, { 'worker-src': ['blob:'], 'script-src': ["'sha256-x'"] })).toEqual({
    'default-src': ["'self'"], 'script-src': ["'self'", "'sha256-x'"], 'worker-src': ["'self'", 'blob:'],
  });
  expect(widen({ 'default-src': ["'none'"] }, { 'img-src': ['data:'] })).toEqual({ 'default-src': ["'none'"], 'img-src': ['data:'] });
});

test('the tuned policy file is valid, commented YAML', () => {
  const s = synthesize({ violations: [v('connect-src', 'https://tiles.immich.cloud', 'map')], inlineBlocks: [] });
  const text = tunedPolicyYaml({ name: 'tuned', description: 'd', directives: s.directives, notes: s.notes, header: ['hello'] });
  expect(text).toContain('- "https://tiles.immich.cloud"  # needed by map');
  expect(parsePolicy(text, 'tuned.yaml').csp!.directives['connect-src']).toEqual(['https://tiles.immich.cloud']);
});

// Styles the app inserts at run time (a web component's shadow root): captured in the browser with
// their exact text (src/observe/signals.ts) and merged with the served blocks.
const shadowText = ':host { display: block } ::slotted(video) { width: 100% }';
const shadow: InlineBlock = { ...capturedBlock('style', shadowText, 'https://photos.example.org/photos/1', 'https://photos.example.org/_app/immutable/chunks/x.js:12'), inShadowRoot: true };

test('capturedBlock hashes the exact text; mergeBlocks marks what no served HTML carried as inserted at run time', () => {
  expect(shadow.hash).toBe(cspHash(shadowText));
  expect(shadow.path).toBe('/photos/1');
  const servedAgain = capturedBlock('style', '#stencil{}', 'https://photos.example.org/photos', '');
  const merged = mergeBlocks([stencil], [servedAgain, shadow]);
  expect(merged.map((b) => [b.hash, Boolean(b.runtime)])).toEqual([[stencil.hash, false], [shadow.hash, true]]);
});

test('a runtime style is allowed by its hash, and the note says it was inserted at run time', () => {
  const s = synthesize({
    violations: [
      v('style-src-elem', 'inline', 'video', { sample: ':host { display: block } ::slotted(vide', source: 'https://photos.example.org/_app/immutable/chunks/x.js:12:5' }),
      v('style-src-elem', 'inline', 'login', { sample: '#stencil{}', source: 'https://photos.example.org/auth/login:14' }),
    ],
    inlineBlocks: mergeBlocks([stencil], [shadow]),
  });
  expect(s.directives['style-src']).toEqual([stencil.hash, shadow.hash]);
  // Each journey is credited with the blocks its violation names (sample or inserting script).
  expect(s.notes.find((n) => n.source === shadow.hash)!.journeys).toEqual(['video']);
  expect(s.notes.find((n) => n.source === stencil.hash)!.journeys).toEqual(['login']);
  // Without samples (a directive of 'none' gets none): by where the violation came from.
  const quiet = synthesize({
    violations: [
      v('style-src-elem', 'inline', 'video', { source: 'https://photos.example.org/_app/immutable/chunks/x.js:12:5' }),
      v('style-src-elem', 'inline', 'login', { source: 'https://photos.example.org/auth/login:14:12' }),
    ],
    inlineBlocks: mergeBlocks([stencil], [shadow]),
  });
  expect(quiet.directives['style-src']).toEqual([stencil.hash, shadow.hash]);
  expect(quiet.notes.find((n) => n.source === shadow.hash)!.journeys).toEqual(['video']);
  expect(quiet.notes.find((n) => n.source === stencil.hash)!.journeys).toEqual(['login']);
  expect(s.directives['style-src']).not.toContain("'unsafe-inline'");
  const note = s.notes.find((n) => n.source === shadow.hash)!.note!;
  expect(note).toContain('inserted at run time into a shadow root by /_app/immutable/chunks/x.js:12');
  expect(s.unhashable).toEqual([]);
});

test('a production report of an inline style is hashed from the block it matches, else it is unhashable', () => {
  const matched = v('style-src-elem', 'inline', PRODUCTION, { sample: ':host { display: block } ::slotted(vide', count: 7 });
  const unknown = v('style-src-elem', 'inline', PRODUCTION, { sample: '.tooltip-4711 { left: 12px }', count: 3 });
  const s = neededSources({ violations: [matched, unknown], inlineBlocks: mergeBlocks([stencil], [shadow]) });
  expect(s.directives['style-src']).toEqual([shadow.hash]); // not the stencil: the sample says which
  expect(s.unhashable).toEqual([unknown]);
  expect(s.notes.find((n) => n.source === shadow.hash)!.reports).toEqual({ count: 7, pages: ['/photos'] });
});

test('style-src-elem unsafe-inline is the narrowest allowance: only style elements, hashes dropped there, scripts untouched', () => {
  const d = { 'default-src': ["'none'"], 'script-src': ["'self'", boot.hash], 'style-src': ["'self'", stencil.hash, shadow.hash], 'style-src-attr': ["'unsafe-inline'"] };
  const allowed = allowInlineStyleElements(d);
  expect(allowed['style-src-elem']).toEqual(["'self'", "'unsafe-inline'"]);
  expect(allowed['style-src']).toEqual(d['style-src']);
  expect(allowed['script-src']).toEqual(d['script-src']);
  expect(Object.keys(allowed).indexOf('style-src-elem')).toBe(Object.keys(allowed).indexOf('style-src') + 1);
  // Later widening of style-src reaches style-src-elem too (where the browser reads it), but no hash
  // is added beside 'unsafe-inline' (it would switch 'unsafe-inline' off).
  const widened = widen(allowed, { 'style-src': ['https://fonts.example', "'sha256-new'"] });
  expect(widened['style-src-elem']).toEqual(["'self'", "'unsafe-inline'", 'https://fonts.example']);
  expect(widened['style-src']).toContain("'sha256-new'");
  expect(UNSAFE_STYLES_COST).toContain('scripts stay hash-only');
});

test('a runtime block that comes back with another text from the same code is unstable; a new block from other code is not', () => {
  const policy = { 'style-src': [shadow.hash] };
  const changed = { ...capturedBlock('style', ':host { --seed: 9321 }', 'https://photos.example.org/photos/2', 'https://photos.example.org/_app/immutable/chunks/x.js:12'), runtime: true };
  const other = { ...capturedBlock('style', '.menu { color: red }', 'https://photos.example.org/photos/2', 'https://photos.example.org/_app/immutable/chunks/y.js:3'), runtime: true };
  const known = [{ ...shadow, runtime: true }];
  expect(unstableRuntimeBlocks([changed, other], policy, known)).toEqual([changed]);
  // Allowed by its hash and still blocked: the hash does not hold either.
  expect(unstableRuntimeBlocks([{ ...shadow, runtime: true }], policy, known)).toHaveLength(1);
  // Served blocks are never "unstable runtime" blocks.
  expect(unstableRuntimeBlocks([stencil], policy, known)).toEqual([]);
});

test('an unconverged tune names each violation it could not allow: directive, sample, source, journey, engine', () => {
  const line = describeViolation(v('style-src-elem', 'inline', 'video@firefox', { sample: ':host([mediaisfullscreen]) ::slotted(x', source: 'https://photos.example.org/_app/immutable/chunks/a.js:3:9' }));
  expect(line).toBe('style-src-elem inline ":host([mediaisfullscreen]) ::slotted(x" from https://photos.example.org/_app/immutable/chunks/a.js:3:9 (journey video in Firefox)');
  expect(describeViolation(v('connect-src', 'https://tiles.example', PRODUCTION))).toContain('(production reports)');
});

test('what tune lists comes once per distinct line, with its count', async () => {
  const { counted } = await import('../../src/tune/tune.js');
  expect(counted(['a', 'b', 'a', 'a'])).toEqual(['a (×3)', 'b']);
  expect(counted([])).toEqual([]);
});

test('Trusted Types: the proposal lists the policies the app creates and one finding per sink call site, and is a valid report-only policy', () => {
  const sink = (sample: string, source: string, journey: string, pageUrl = PAGE) => v('require-trusted-types-for', 'trusted-types-sink', journey, { sample, source, pageUrl });
  const observed = [
    // The same inline script on two pages, served by two local copies on different ports: one call site.
    sink('ServiceWorkerContainer register|/service-worker.js', 'http://127.0.0.1:4001/auth/login:34:66', 'login', 'http://127.0.0.1:4001/auth/login'),
    sink('ServiceWorkerContainer register|/service-worker.js', 'http://127.0.0.1:4002/map:34:66', 'map', 'http://127.0.0.1:4002/map'),
    sink('Worker constructor|blob:http://127.0.0.1:4002/1b2c', 'http://127.0.0.1:4002/_app/maplibre.js:46:22881', 'map', 'http://127.0.0.1:4002/map'),
    sink('Worker constructor|blob:http://127.0.0.1:4003/9f8e', 'http://127.0.0.1:4003/_app/maplibre.js:46:22881', 'map@firefox', 'http://127.0.0.1:4003/map'),
    // One call seen by both engines, which count its column apart (the real Immich's bundle).
    sink('Element innerHTML|<!----> <!---->', 'http://127.0.0.1:4002/_app/chunk.js:1:3814', 'login', 'http://127.0.0.1:4002/login'),
    sink('Element innerHTML|<!----> <!---->', 'http://127.0.0.1:4003/_app/chunk.js:1:3817', 'login@firefox', 'http://127.0.0.1:4003/login'),
    // A third party's script keeps its origin; a page string with a newline stays on its line.
    sink('Element innerHTML|<b>hi</b>\n# evil: yes', 'https://cdn.example.net/widget.js:1:10', 'timeline'),
    v('trusted-types', 'trusted-types-policy', 'timeline', { sample: 'dompurify' }),
    v('trusted-types', 'trusted-types-policy', 'map', { sample: 'dompurify' }),
    v('trusted-types', 'trusted-types-policy', 'map', { sample: 'lit-html' }),
    v('trusted-types', 'trusted-types-policy', 'map', { sample: "bad name'; script-src *" }),
  ];
  const p = proposeTrustedTypes(observed);
  expect(p.policies).toEqual(['dompurify', 'lit-html']); // a name no header could carry is left out
  expect(p.directives).toEqual({ 'require-trusted-types-for': ["'script'"], 'trusted-types': ['dompurify', 'lit-html'] });
  expect(p.enforceable).toBe(false);
  expect(p.sinks.map((s) => [s.sink, s.source, s.journeys])).toEqual([
    ['ServiceWorkerContainer register', '/auth/login:34:66', ['login', 'map']],
    ['Worker constructor', '/_app/maplibre.js:46:22881', ['map', 'map@firefox']],
    ['Element innerHTML', '/_app/chunk.js:1:3814', ['login', 'login@firefox']],
    ['Element innerHTML', 'https://cdn.example.net/widget.js:1:10', ['timeline']],
  ]);
  const text = trustedTypesPolicyYaml('tuned-trusted-types', p, trustedTypesSummary(p, 'Chromium and Firefox'));
  const policy = parsePolicy(text, 'tuned-trusted-types.yaml');
  expect(policy.csp).toEqual({ reportOnly: true, directives: p.directives });
  expect(policy.set).toEqual({});
  expect(text).not.toMatch(/^# evil/m);
  expect(text).toContain("Element innerHTML from https://cdn.example.net/widget.js:1:10 (\"<b>hi</b> # evil: yes\"); timeline");
  expect(trustedTypesSummary(p, 'Chromium').join('\n')).toContain('4 sink(s) got a plain string');

  // Nothing reported: no policy, no sink — enforceable once production stays quiet.
  const quiet = proposeTrustedTypes([v('script-src-elem', 'https://cdn.example.net')]);
  expect(quiet).toMatchObject({ policies: [], sinks: [], enforceable: true, directives: { 'trusted-types': ["'none'"] } });
  expect(trustedTypesSummary(quiet, 'Chromium').join('\n')).toMatch(/No sink got a plain string.*reportOnly: false/);
  expect(isTrustedTypes(observed[0]!)).toBe(true);
  expect(isTrustedTypes(v('script-src-elem', 'inline'))).toBe(false);
});
