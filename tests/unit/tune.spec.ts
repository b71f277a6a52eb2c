import { test, expect } from '@playwright/test';
import { cspHash, extractInlineBlocks, type InlineBlock } from '../../src/proxy/inline-scripts.js';
import { neededSources, synthesize, widen } from '../../src/tune/synthesize.js';
import { tunedPolicyYaml } from '../../src/tune/policy-file.js';
import { parsePolicy } from '../../src/policy/policy.js';
import type { ViolationGroup } from '../../src/observe/violation.js';

const PAGE = 'https://photos.example.org/photos';
const v = (directive: string, blockedUrl: string, journey = 'timeline', over: Partial<ViolationGroup> = {}): ViolationGroup => ({
  kind: 'csp', directive, blockedUrl, source: '', sample: '', disposition: 'report', journey, pageUrl: PAGE, count: 1, channels: ['event'], ...over,
});

test('cspHash matches the CSP spec example', () => {
  expect(cspHash("alert('Hello, world.');")).toBe("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
});

test('extractInlineBlocks: executable inline scripts and styles only, marks build-specific code', () => {
  const html = `<script>a()</script><script src="/x.js"></script><script type="application/json">{"a":1}</script>
<script type="module">import('/_app/immutable/entry/start.x.js')</script><style>b{}</style>`;
  const blocks = extractInlineBlocks(html, '/p');
  expect(blocks.map((b) => [b.kind, b.hash === cspHash(b.kind === 'style' ? 'b{}' : b.sample), b.buildSpecific])).toEqual([
    ['script', true, false], ['script', true, true], ['style', true, false],
  ]);
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
  expect(s.warnings.join()).toContain("'unsafe-hashes'");
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
