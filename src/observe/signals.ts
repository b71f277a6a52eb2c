// Collects every browser signal of one journey from a Playwright BrowserContext (all pages, all
// frames, service-worker requests) plus the reports that reached the proxy, as Violations.
import type { BrowserContext, Page } from 'playwright';
import type { ReportCollector } from '../proxy/collector.js';
import { fromConsole, fromCspEvent, fromPageError, fromReport, fromRequestFailed, type CspEventData } from './parse.js';
import { dedupe, redactViolation, type Violation, type ViolationGroup } from './violation.js';

const BINDING = '__headerproofViolation';
const REPORT_BINDING = '__headerproofReport';

// Runs in every frame before any page script, so even the first inline script's violation is seen.
const INIT_SCRIPT = `(() => {
  if (window.__headerproofListening) return;
  window.__headerproofListening = true;
  window.addEventListener('securitypolicyviolation', (e) => {
    try {
      window.${BINDING}({
        documentURI: e.documentURI, blockedURI: e.blockedURI, effectiveDirective: e.effectiveDirective,
        violatedDirective: e.violatedDirective, sourceFile: e.sourceFile, lineNumber: e.lineNumber,
        columnNumber: e.columnNumber, sample: e.sample, disposition: e.disposition, originalPolicy: e.originalPolicy,
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
    }, { types: ['csp-violation', 'permissions-policy-violation'], buffered: true }).observe();
  }
})();`;

export const MAX_VIOLATIONS_PER_JOURNEY = 20_000;

export class SignalCollector {
  private violations: Violation[] = [];
  private readonly watchers: ((v: Violation, page: Page | undefined) => void)[] = [];
  dropped = 0;

  constructor(
    private readonly journey: string,
    private readonly reports?: ReportCollector,
  ) {}

  /** Called with each violation the page reports as it happens (e.g. to fail fast on a boot failure). */
  watch(watcher: (v: Violation, page: Page | undefined) => void): void {
    this.watchers.push(watcher);
  }

  private push(v: Violation | null, page?: Page): void {
    if (!v) return;
    for (const watcher of this.watchers) watcher(v, page);
    if (this.violations.length >= MAX_VIOLATIONS_PER_JOURNEY) this.dropped++;
    else this.violations.push(redactViolation(v));
  }

  async attach(context: BrowserContext): Promise<void> {
    const base = { journey: this.journey };
    await context.exposeBinding(BINDING, (source, data: CspEventData) => this.push(fromCspEvent(data, base), source.page));
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
    for (const r of this.reports?.drain() ?? []) this.push(fromReport(r, { journey: this.journey }));
    return dedupe(this.violations);
  }
}
