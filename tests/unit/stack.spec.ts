import { test, expect } from '@playwright/test';
import { applyStackEdits, isStackable, ownersOf, planStack, stackReportPath, stackSlotOf } from '../../src/proxy/stack.js';
import { fromCspEvent, fromReport, type CspEventData } from '../../src/observe/parse.js';
import { dedupe } from '../../src/observe/violation.js';
import { splitStack } from '../../src/report/stack-records.js';
import type { Policy } from '../../src/policy/policy.js';
import type { JourneyRecord } from '../../src/report/summary.js';

const ro = (name: string, directives: Record<string, string[]>, extra: Partial<Policy> = {}): Policy =>
  ({ name, description: name, file: `policies/${name}.yaml`, set: {}, remove: [], csp: { reportOnly: true, directives }, ...extra });
const SCRIPTS = ro('scripts', { 'script-src': ["'self'"] });
const IMAGES = ro('images', { 'img-src': ["'self'"] });
const ENFORCED: Policy = { ...ro('enforced', { 'img-src': ["'self'"] }), csp: { reportOnly: false, directives: { 'img-src': ["'self'"] } } };
const WITH_HEADER = ro('with-header', { 'img-src': ["'self'"] }, { set: { 'X-Frame-Options': 'DENY' } });

test('only report-only CSP without other headers stacks, and only two or more of them', () => {
  expect([SCRIPTS, IMAGES, ENFORCED, WITH_HEADER].map(isStackable)).toEqual([true, true, false, false]);
  expect(planStack([SCRIPTS, ENFORCED, IMAGES, WITH_HEADER], true)).toEqual({ stacked: [SCRIPTS, IMAGES], alone: [ENFORCED, WITH_HEADER] });
  expect(planStack([SCRIPTS, ENFORCED], true)).toEqual({ stacked: [], alone: [SCRIPTS, ENFORCED] });
  expect(planStack([SCRIPTS, IMAGES], false)).toEqual({ stacked: [], alone: [SCRIPTS, IMAGES] });
});

test("each member is served as its own report-only header, reporting to its own path, beside the upstream's own", () => {
  const headers: Record<string, string | string[]> = { 'content-security-policy-report-only': "default-src 'self'" };
  const { upstreamHadOne } = applyStackEdits(headers, [SCRIPTS, ro('under-api', { 'img-src': ["'none'"] }, { paths: ['/api'] }), IMAGES], 'http://127.0.0.1:9', '/photos');
  expect(upstreamHadOne).toBe(true);
  expect(headers['content-security-policy-report-only']).toEqual([
    "default-src 'self'",
    "script-src 'self' 'report-sample'; report-uri http://127.0.0.1:9/__headerproof/report/stack-0",
    // slot 1 is out of scope on /photos; slot 2 keeps its own number
    "img-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report/stack-2",
  ]);
  expect(stackReportPath(2)).toBe('/__headerproof/report/stack-2');
  expect(stackSlotOf("img-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report/stack-12")).toBe(12);
  expect(stackSlotOf('/__headerproof/report/stack-3')).toBe(3);
  expect(stackSlotOf('/__headerproof/report')).toBeUndefined();
  expect(stackSlotOf(undefined)).toBeUndefined();
});

const EVENT: CspEventData = {
  documentURI: 'http://127.0.0.1:9/map', blockedURI: 'data', effectiveDirective: 'img-src', violatedDirective: 'img-src',
  sourceFile: '', lineNumber: 0, columnNumber: 0, sample: '', disposition: 'report',
};

test('events and reports name their member; the same block in two members stays two groups', () => {
  const a = fromCspEvent({ ...EVENT, originalPolicy: "img-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report/stack-0" }, { journey: 'map' });
  const b = fromCspEvent({ ...EVENT, originalPolicy: "default-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report/stack-1" }, { journey: 'map' });
  const posted = fromReport({ receivedAt: 0, type: 'csp-report', path: '/__headerproof/report/stack-1',
    body: { 'document-uri': EVENT.documentURI, 'blocked-uri': 'data', 'effective-directive': 'img-src', disposition: 'report' } }, { journey: 'map' })!;
  const observed = fromReport({ receivedAt: 0, type: 'csp-violation', url: EVENT.documentURI,
    body: { documentURL: EVENT.documentURI, blockedURL: 'data', effectiveDirective: 'img-src', disposition: 'report', originalPolicy: "img-src 'self'; report-uri /__headerproof/report/stack-0" } }, { journey: 'map' }, 'observer')!;
  expect([a.stackSlot, b.stackSlot, posted.stackSlot, observed.stackSlot]).toEqual([0, 1, 1, 0]);
  const groups = dedupe([a, b, posted, observed]);
  expect(groups.map((g) => [g.stackSlot, g.channels])).toEqual([[0, ['event', 'observer']], [1, ['event', 'report']]]);
  // Outside a stack nothing names a slot.
  expect(fromCspEvent({ ...EVENT, originalPolicy: "img-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report" }, { journey: 'map' }).stackSlot).toBeUndefined();
});

test("whose a violation is: its slot's member; the page's own (structured, no slot, or enforced) the baseline's; a console line the members it quotes or that govern it", () => {
  const members = [SCRIPTS, IMAGES, ro('images-wide', { 'img-src': ["'self'", 'data:'] }), ro('default', { 'default-src': ["'self'"] })];
  const csp = { kind: 'csp', directive: 'img-src', sample: '', disposition: 'report', channels: ['console'] };
  const consoleText = `[Report Only] Refused to load the image 'data:…' because it violates the following Content Security Policy directive: "img-src 'self'".`;
  expect(ownersOf({ ...csp, channels: ['event'], stackSlot: 2 }, members)).toEqual({ members: [2], baseline: false });
  expect(ownersOf({ ...csp, sample: consoleText }, members)).toEqual({ members: [1], baseline: false });
  expect(ownersOf({ ...csp, sample: 'blocked' }, members)).toEqual({ members: [1, 2, 3], baseline: false });
  expect(ownersOf({ ...csp, directive: 'frame-src', sample: 'blocked' }, [SCRIPTS, IMAGES])).toEqual({ members: [], baseline: true });
  // The upstream's own policy: reported without a slot, or enforced.
  expect(ownersOf({ ...csp, channels: ['event', 'console'] }, members)).toEqual({ members: [], baseline: true });
  expect(ownersOf({ ...csp, disposition: 'enforce' }, members)).toEqual({ members: [], baseline: true });
  expect(ownersOf({ kind: 'page-error', directive: '', sample: 'boom', disposition: 'enforce', channels: ['pageerror'] }, members)).toEqual({ members: [0, 1, 2, 3], baseline: true });
});

test("a stacked journey record becomes one per member, each with only its own violations and its own policy", () => {
  const v = (directive: string, stackSlot?: number) => ({ kind: 'csp' as const, directive, blockedUrl: 'inline', source: '', sample: '', disposition: 'report' as const,
    journey: 'login', pageUrl: '', count: 1, channels: ['event' as const], ...(stackSlot === undefined ? {} : { stackSlot }) });
  const info = (p: Policy) => ({ policy: { name: p.name, file: p.file, description: p.description, served: {}, model: { set: {}, remove: [], csp: p.csp! } }, warnings: [`${p.name} warning`] });
  const record: JourneyRecord = {
    project: 'report-only stack', role: 'candidate', policyFile: 'policies/baseline.yaml',
    result: { journey: 'login', status: 'passed', violations: [v('script-src-elem', 0), v('img-src', 1), { ...v('', undefined), kind: 'page-error' as never }, { ...v('frame-src', undefined), disposition: 'enforce' as const }], upstreamErrors: 0 },
    attachment: { journey: 'login', policy: { name: 'report-only stack', file: '', description: '', served: {} }, target: 'lab', violations: [], inlineBlocks: [], warnings: [], droppedViolations: 0,
      proxy: { upstreamErrors: 0, replacedUpstreamHeaders: [] }, stack: [info(SCRIPTS), info(IMAGES)] },
  };
  const [baseline, scripts, images] = splitStack(record, [SCRIPTS, IMAGES], true);
  expect(baseline!.role).toBe('baseline');
  expect(baseline!.result.violations.map((x) => x.kind + ' ' + x.directive)).toEqual(['page-error ', 'csp frame-src']);
  expect(splitStack(record, [SCRIPTS, IMAGES], false).map((r) => r.project)).toEqual(['scripts', 'images']);
  expect(scripts!.project).toBe('scripts');
  expect(scripts!.policyFile).toBe('policies/scripts.yaml');
  expect(scripts!.result.violations.map((x) => x.kind + ' ' + x.directive)).toEqual(['csp script-src-elem', 'page-error ']);
  expect(images!.result.violations.map((x) => x.kind + ' ' + x.directive)).toEqual(['csp img-src', 'page-error ']);
  expect(images!.result.violations.every((x) => !('stackSlot' in x))).toBe(true);
  expect(images!.attachment!.policy.name).toBe('images');
  expect(images!.attachment!.warnings).toEqual(['images warning']);
  expect(images!.attachment!.stackedWith).toEqual(['scripts']);
  expect(images!.attachment!.stack).toBeUndefined();
});
