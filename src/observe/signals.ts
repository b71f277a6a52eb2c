// Collects every browser signal of one journey from a Playwright BrowserContext (all pages, all
// frames, service-worker requests) plus the reports that reached the proxy, as Violations.
import type { BrowserContext, Page } from 'playwright';
import type { ReportCollector } from '../proxy/collector.js';
import { fromConsole, fromCspEvent, fromPageError, fromReport, fromRequestFailed, type CspEventData } from './parse.js';
import { dedupe, redactViolation, type Violation, type ViolationGroup } from './violation.js';
import { capturedBlock, capturedHandler, cspHash, type InlineBlock } from '../proxy/inline-scripts.js';

/** Longer inline text is not sent from the page (nor hashed). */
const MAX_INLINE_TEXT = 8 * 1024 * 1024;
const location = (d: CspEventData) => (d.sourceFile ? `${d.sourceFile}${d.lineNumber ? `:${d.lineNumber}` : ''}` : '');

const BINDING = '__headerproofViolation';
const REPORT_BINDING = '__headerproofReport';

// Runs in every frame before any page script, so even the first inline script's violation is seen.
const INIT_SCRIPT = `(() => {
  if (window.__headerproofListening) return;
  window.__headerproofListening = true;
  // A blocked inline <style> or <script>: its exact text, where the browser ran it (a shadow root
  // included: the event is composed, and open shadow trees show in composedPath()), so it can be
  // hashed like the blocks the proxy saw in the served HTML. Nothing is inserted or changed.
  const inlineOf = (e) => {
    try {
      if (e.blockedURI === 'inline' && e.effectiveDirective === 'script-src-attr') return handlersOf(e);
      if (e.blockedURI !== 'inline' || !/^(script|style)-src(-elem)?$/.test(e.effectiveDirective || '')) return undefined;
      const el = (e.composedPath && e.composedPath()[0]) || e.target;
      if (!el || (el.localName !== 'style' && el.localName !== 'script')) return undefined;
      const text = el.textContent || '';
      if (text.length > ${MAX_INLINE_TEXT}) return undefined;
      const root = el.getRootNode && el.getRootNode();
      return { kind: el.localName, text, inShadowRoot: !!root && root !== document && root.nodeType === 11 };
    } catch (err) { return undefined; }
  };
  // A blocked inline event handler (onclick="…") on an element in the document: the exact text of
  // its handler attributes the report's sample starts (all of them when it has none), to hash for
  // script-src-attr 'unsafe-hashes'. (A handler checked on an element not in the document, as when
  // markup is parsed from a string, fires the event at the document: the proxy's copy of the
  // served HTML names those.)
  const handlersOf = (e) => {
    const el = (e.composedPath && e.composedPath()[0]) || e.target;
    if (!el || !el.attributes || el.nodeType !== 1) return undefined;
    const all = [];
    for (const a of el.attributes) if (/^on/i.test(a.name) && a.value.length <= ${MAX_INLINE_TEXT}) all.push({ name: a.name.toLowerCase(), text: a.value });
    const sample = String(e.sample || '').replace(/\u2026\s*$/, '').trim();
    const named = sample ? all.filter((h) => h.text.trim().startsWith(sample)) : [];
    const handlers = named.length ? named : all;
    return handlers.length ? { kind: 'handler', text: handlers[0].text, handlers, tag: el.localName } : undefined;
  };
  window.addEventListener('securitypolicyviolation', (e) => {
    try {
      window.${BINDING}({
        documentURI: e.documentURI, blockedURI: e.blockedURI, effectiveDirective: e.effectiveDirective,
        violatedDirective: e.violatedDirective, sourceFile: e.sourceFile, lineNumber: e.lineNumber,
        columnNumber: e.columnNumber, sample: e.sample, disposition: e.disposition, originalPolicy: e.originalPolicy,
        inline: inlineOf(e),
      });
    } catch (err) {}
  }, true);
  // The Reporting API's reports (CSP, Permissions-Policy, deprecations…) as the page sees them;
  // headless Chromium does not reliably deliver them over the network.
  if (typeof ReportingObserver === 'function') {
    new ReportingObserver((reports) => {
      for (const r of reports) {
        try {
          window.${REPORT_BINDING}({ type: r.type, url: r.url, body: r.body && r.body.toJSON ? r.body.toJSON() : {} });
        } catch (err) {}
      }
    }, { types: ['csp-violation', 'permissions-policy-violation', 'integrity-violation'], buffered: true }).observe();
  }
})();`;

export const MAX_VIOLATIONS_PER_JOURNEY = 20_000;

/**
 * Playwright's screenshotter, in Firefox, appends `<style>body {}</style>` to the page to sync
 * animations (inPagePrepareForScreenshots in playwright-core), and Firefox checks it against the
 * page's CSP. Exactly that insertion, reported while the harness takes a screenshot, is the
 * harness's own and is set aside; the same text at any other time is the app's and is kept.
 */
const HARNESS_STYLE = 'body {}';
const HARNESS_STYLE_HASH = cspHash(HARNESS_STYLE).slice(1, -1);
/** Code Playwright evaluated in the page, as Firefox names its location (raw or URL-encoded). */
const EVALUATED_BY_HARNESS = /(?: |%20)line(?: |%20)\d+(?: |%20)(?:>|%3E)(?: |%20)eval:\d+(?::\d+)?$/i;
/** Reports of a screenshot's insertion arrive a little after it (report-uri is a POST). */
const HARNESS_GRACE_MS = 2000;
const collectors = new WeakMap<BrowserContext, SignalCollector>();

/** The collector attached to this browser context, if any (for the harness's own page actions). */
export function collectorOf(context: BrowserContext): SignalCollector | undefined {
  return collectors.get(context);
}

export class SignalCollector {
  private violations: { v: Violation; at: number }[] = [];
  /** Source locations of the harness's own insertions, from the DOM event that carried their text. */
  private readonly harnessSources = new Set<string>();
  private readonly watchers: ((v: Violation, page: Page | undefined) => void)[] = [];
  /** Inline blocks the browser blocked or reported, captured with their exact text and hashed. */
  private readonly captured = new Map<string, InlineBlock>();
  /** Time windows in which the harness touched the page (screenshots): [start, end or undefined]. */
  private readonly harnessWindows: [number, number | undefined][] = [];
  dropped = 0;
  /** Violations set aside as the harness's own (a screenshot's style insertion in Firefox). */
  setAside = 0;

  constructor(
    private readonly journey: string,
    private readonly reports?: ReportCollector,
    /** The app's mark of an inline script generated per build (its profile's). */
    private readonly buildSpecific?: RegExp,
  ) {}

  /** Called with each violation the page reports as it happens (e.g. to fail fast on a boot failure). */
  watch(watcher: (v: Violation, page: Page | undefined) => void): void {
    this.watchers.push(watcher);
  }

  /** Runs a harness action on the page (a screenshot) and sets aside exactly what it inserts. */
  async harness<T>(action: () => Promise<T>): Promise<T> {
    const window: [number, number | undefined] = [Date.now(), undefined];
    this.harnessWindows.push(window);
    try {
      return await action();
    } finally {
      window[1] = Date.now();
    }
  }

  private inHarnessWindow(at: number): boolean {
    return this.harnessWindows.some(([start, end]) => at >= start && (end === undefined || at <= end + HARNESS_GRACE_MS));
  }

  /**
   * The harness's own insertion: a blocked inline style, while a harness action ran, that is the
   * screenshotter's — by its text as the sample (DOM event, reports), the text's hash (console), or,
   * where the policy asked for no sample, by the location of the code that inserted it.
   */
  private isHarnessOwn(v: Violation, at: number): boolean {
    if (v.kind !== 'csp' || v.blockedUrl !== 'inline' || !/^style-src(-elem)?$/.test(v.directive) || !this.inHarnessWindow(at)) return false;
    if (v.channel === 'console') return v.sample.includes(HARNESS_STYLE_HASH);
    if (v.sample.trim() === HARNESS_STYLE) return true;
    // No sample (a directive of 'none' alone asks for none): the element is already removed when the
    // event fires, so its text is gone; what is left is where it came from — the screenshotter's
    // code, evaluated by Playwright in the page ("<page> line 370 > eval:5:19" in Firefox), or the
    // location a DOM event with its text named.
    return !v.sample.trim() && (EVALUATED_BY_HARNESS.test(v.source) || this.harnessSources.has(v.source));
  }

  /** Inline blocks captured in the browser (served ones too, when they were blocked). */
  capturedBlocks(): InlineBlock[] {
    return [...this.captured.values()];
  }

  private capture(data: CspEventData): void {
    const inline = data.inline;
    if (inline?.kind === 'handler' && Array.isArray(inline.handlers)) {
      for (const h of inline.handlers) {
        if (typeof h?.text !== 'string' || typeof h.name !== 'string') continue;
        const block = capturedHandler(h.name, h.text, String(inline.tag ?? ''), data.documentURI, location(data));
        this.captured.set(`${block.hash}\u0000${block.path}`, block);
      }
      return;
    }
    if (!inline || typeof inline.text !== 'string' || (inline.kind !== 'style' && inline.kind !== 'script')) return;
    const block = capturedBlock(inline.kind, inline.text, data.documentURI, location(data), this.buildSpecific);
    if (inline.inShadowRoot) block.inShadowRoot = true;
    this.captured.set(`${block.hash}\u0000${block.path}`, block);
  }

  private push(v: Violation | null, page?: Page, at = Date.now()): void {
    if (!v) return;
    for (const watcher of this.watchers) watcher(v, page);
    if (this.violations.length >= MAX_VIOLATIONS_PER_JOURNEY) this.dropped++;
    else this.violations.push({ v: redactViolation(v), at });
  }

  async attach(context: BrowserContext): Promise<void> {
    const base = { journey: this.journey };
    collectors.set(context, this);
    await context.exposeBinding(BINDING, (source, data: CspEventData) => {
      const v = fromCspEvent(data, base);
      const harnessText = data.inline?.kind === 'style' && data.inline.text.trim() === HARNESS_STYLE && this.inHarnessWindow(Date.now());
      if (harnessText) this.harnessSources.add(redactViolation(v).source);
      else this.capture(data);
      this.push(v, source.page);
    });
    await context.exposeBinding(REPORT_BINDING, (_source, data: { type: string; url: string; body: Record<string, unknown> }) =>
      this.push(fromReport({ receivedAt: Date.now(), type: String(data?.type), url: String(data?.url ?? ''), body: data?.body ?? {} }, base, 'observer')));
    await context.addInitScript(INIT_SCRIPT);
    context.on('console', (msg) => this.push(fromConsole(msg.text(), msg.type(), msg.page()?.url() ?? '', base)));
    context.on('weberror', (err) => this.push(fromPageError(err.error().message, err.page()?.url() ?? '', base)));
    context.on('requestfailed', (req) => {
      const frame = (() => {
        try {
          return req.frame().url();
        } catch {
          return ''; // service-worker requests have no frame
        }
      })();
      this.push(fromRequestFailed(req.url(), req.failure()?.errorText ?? '', frame, base));
    });
  }

  /**
   * Waits until the Reporting API has gone quiet (reports are delivered a little after the
   * violation), then returns this journey's de-duplicated violations.
   */
  async finish(options: { waitForReports: boolean }): Promise<ViolationGroup[]> {
    if (this.reports && options.waitForReports) {
      let last = -1;
      const deadline = Date.now() + 3000;
      // Quiet for 400 ms, or 3 s at most.
      while (Date.now() < deadline) {
        const size = this.reports.size;
        if (size === last) break;
        last = size;
        await new Promise((r) => setTimeout(r, 400));
      }
    }
    for (const r of this.reports?.drain() ?? []) this.push(fromReport(r, { journey: this.journey }), undefined, r.receivedAt);
    // Set aside only now: a report can arrive before the DOM event that names its source.
    const kept = this.violations.filter(({ v, at }) => !this.isHarnessOwn(v, at));
    this.setAside = this.violations.length - kept.length;
    return dedupe(kept.map(({ v }) => v));
  }
}
