import { test, expect } from '@playwright/test';
import { exportLayers, splitLayers } from '../../src/export/layers.js';
import { policyHeaders } from '../../src/export/export.js';
import type { Policy } from '../../src/policy/policy.js';

const policy = (name: string, over: Partial<Policy>): Policy => ({ name, description: name, file: '', set: {}, remove: [], ...over });

test('layers: a header every app gets with the same value is shared; one that differs goes whole to each app; the layers never share a header', () => {
  const photos = policy('photos', { set: { 'X-Frame-Options': 'SAMEORIGIN', 'Permissions-Policy': 'camera=(), fullscreen=(self)' }, remove: ['X-Powered-By', 'Content-Security-Policy'], csp: { reportOnly: false, directives: { 'default-src': ["'self'"], 'connect-src': ["'self'", 'https://tiles.example'] } } });
  const flows = policy('flows', { set: { 'X-Frame-Options': 'SAMEORIGIN', 'Permissions-Policy': 'camera=()' }, remove: ['X-Powered-By', 'Content-Security-Policy'], csp: { reportOnly: false, directives: { 'default-src': ["'self'"] } } });
  const layers = splitLayers('edge', [{ target: 'photos', policy: photos }, { target: 'flows', policy: flows }]);
  expect(layers.shared.set).toEqual({ 'X-Frame-Options': 'SAMEORIGIN' });
  expect(layers.shared.remove).toEqual(['X-Powered-By']);
  const own = (t: string) => layers.perTarget.find((x) => x.target === t)!.policy;
  expect(own('photos').set).toEqual({ 'Content-Security-Policy': "default-src 'self'; connect-src 'self' https://tiles.example", 'Permissions-Policy': 'camera=(), fullscreen=(self)' });
  expect(own('flows').set).toEqual({ 'Content-Security-Policy': "default-src 'self'", 'Permissions-Policy': 'camera=()' });
  // The app's own CSP is replaced (hidden, then set) by the layer that sets the edge's CSP.
  expect(own('photos').remove).toEqual(['Content-Security-Policy']);
  for (const t of layers.perTarget) {
    const names = (p: Policy) => [...Object.keys(p.set), ...p.remove].map((n) => n.toLowerCase());
    expect(names(t.policy).filter((n) => names(layers.shared).includes(n)), t.target).toEqual([]);
    // Together the layers are exactly the app's proven headers.
    const proven = policyHeaders(t.target === 'photos' ? photos : flows);
    expect(new Map([...Object.entries(layers.shared.set), ...Object.entries(t.policy.set)])).toEqual(new Map(proven.set));
  }
  const nginx = exportLayers(layers, 'nginx');
  expect(Object.keys(nginx).sort()).toEqual(['README.txt', 'edge-flows.conf', 'edge-photos.conf', 'edge-shared.conf']);
  expect(nginx['edge-shared.conf']).toContain('add_header X-Frame-Options "SAMEORIGIN" always;');
  expect(nginx['edge-shared.conf']).toContain('proxy_hide_header X-Powered-By;');
  expect(nginx['edge-photos.conf']).toContain('proxy_hide_header Content-Security-Policy;');
  expect(nginx['README.txt']).toContain('include edge-shared.conf;\n#   include edge-photos.conf;');
  expect(exportLayers(layers, 'caddy')['edge-flows.caddy']).toContain('\tPermissions-Policy "camera=()"');
});

test('layers: a CSP kept beside the app\'s own stays a CSP in that app\'s layer, never in the shared one', () => {
  const csp = { reportOnly: false, directives: { 'default-src': ["'self'"] } };
  const kept = policy('kept', { set: { 'X-Frame-Options': 'SAMEORIGIN' }, csp: { ...csp, alongside: true } });
  const plain = policy('plain', { set: { 'X-Frame-Options': 'SAMEORIGIN' }, csp });
  const layers = splitLayers('stage', [{ target: 'kept', policy: kept }, { target: 'plain', policy: plain }]);
  expect(layers.shared.set).toEqual({ 'X-Frame-Options': 'SAMEORIGIN' });
  expect(layers.shared.csp).toBeUndefined();
  expect(layers.perTarget[0]!.policy.csp).toEqual({ ...csp, alongside: true });
  expect(layers.perTarget[1]!.policy.set['Content-Security-Policy']).toBe("default-src 'self'");
  const files = exportLayers(layers, 'caddy');
  expect(files['stage-kept.caddy']).toContain('+Content-Security-Policy');
});
