// What a generic app's page does and checks, written as config: a small language of steps (click,
// fill, press, select, hover, wait, goto) and expectations, each compiled to one Playwright call.
// Validated with zod: a mistake names the step and lists the fields that exist.
import { z } from 'zod';

const routePath = z.string().regex(/^\/[^\s]*$/, 'a path on the app, starting with /, e.g. /settings');
const selector = z.string().min(1, 'a CSS selector (or Playwright\'s text=…, role=…)');

/** Every expectation waits up to this long for what it names (a visible element, a text, a request). */
export const EXPECT_TIMEOUT_MS = 20_000;

const EXPECTATIONS = '{ selector (min, text) }, { hidden }, { text }, { url }, { websocket }, { request }, { response, status }';

export const expectation = z.union([
  z.strictObject({ selector, min: z.number().int().min(1).optional(), text: z.string().min(1).optional() }),
  z.strictObject({ hidden: selector }),
  z.strictObject({ text: z.string().min(1) }),
  z.strictObject({ url: z.string().min(1, 'a part of the page\'s address after the step, e.g. /settings') }),
  z.strictObject({ websocket: z.string().regex(/^\//, 'the path of a websocket the page must open, e.g. /comms') }),
  z.strictObject({ request: z.string().regex(/^\//, 'the path (or its start) of a request the page must make, e.g. /api/items') }),
  z.strictObject({ response: z.string().regex(/^\//, 'the path (or its start) of a response the page must get'), status: z.number().int().min(100).max(599).optional() }),
], { error: `each expectation is one of ${EXPECTATIONS}` });

export type Expectation = z.infer<typeof expectation>;

const STEPS = 'click, fill, press, select, hover, wait, goto, expect';

const fill = z.union([
  z.strictObject({ selector, value: z.string() }),
  z.strictObject({ selector, env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'the name of an environment variable holding the value (a secret stays out of the file), e.g. WIKI_SEARCH') }),
], { error: 'fill is { selector, value } or { selector, env } (the value from that environment variable)' });

export const step = z.union([
  z.strictObject({ click: selector }),
  z.strictObject({ fill }),
  z.strictObject({ press: z.union([z.string().min(1), z.strictObject({ selector, key: z.string().min(1) })], { error: 'press is a key (Escape, Enter, Control+K) or { selector, key }' }) }),
  z.strictObject({ select: z.strictObject({ selector, option: z.string().min(1) }) }),
  z.strictObject({ hover: selector }),
  z.strictObject({ wait: z.number().int().min(1).max(10_000, 'at most 10000 ms; wait for something with expect instead') }),
  z.strictObject({ goto: routePath }),
  z.strictObject({ expect: expectation }),
], { error: `each step is one of ${STEPS} (one key each), e.g. { click: "#menu" } or { expect: { text: Settings } }` });

export type Step = z.infer<typeof step>;

/** The names a step or expectation may use: listed in an error about a field that does not exist. */
export const STEP_FIELDS = STEPS;
export const EXPECTATION_FIELDS = EXPECTATIONS;

/** A step as the report and an error name it: "click #menu", "fill #q (from $WIKI_SEARCH)". */
export function describeStep(s: Step): string {
  if ('click' in s) return `click ${s.click}`;
  if ('fill' in s) return `fill ${s.fill.selector}${'env' in s.fill ? ` (from $${s.fill.env})` : ''}`;
  if ('press' in s) return typeof s.press === 'string' ? `press ${s.press}` : `press ${s.press.key} in ${s.press.selector}`;
  if ('select' in s) return `select "${s.select.option}" in ${s.select.selector}`;
  if ('hover' in s) return `hover ${s.hover}`;
  if ('wait' in s) return `wait ${s.wait} ms`;
  if ('goto' in s) return `go to ${s.goto}`;
  return `expect ${describeExpectation(s.expect)}`;
}

export function describeExpectation(e: Expectation): string {
  if ('selector' in e) return `${e.selector}${e.min && e.min > 1 ? ` (at least ${e.min})` : ''}${e.text ? ` showing "${e.text}"` : ''} visible`;
  if ('hidden' in e) return `${e.hidden} hidden`;
  if ('text' in e) return `the text "${e.text}" visible`;
  if ('url' in e) return `the address to contain ${e.url}`;
  if ('websocket' in e) return `a websocket to ${e.websocket}`;
  if ('request' in e) return `a request to ${e.request}`;
  return `a response from ${e.response}${e.status ? ` with status ${e.status}` : ''}`;
}

/** The environment variables a page's steps read (checked before the page opens). */
export function stepEnv(steps: Step[]): string[] {
  return steps.flatMap((s) => ('fill' in s && 'env' in s.fill ? [s.fill.env] : []));
}
