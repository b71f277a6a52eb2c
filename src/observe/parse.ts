// Pure parsers from each browser channel's raw shape to a Violation. Kept free of Playwright so
// they are unit tested on recorded samples of both Chromium console formats.
import type { RawReport } from '../proxy/collector.js';
import { normalizeBlocked, type Violation } from './violation.js';
import { stackSlotOf } from '../proxy/stack.js';

/** The stacked member a report names (its report path, or the report-uri in its policy), if any. */
const slotField = (...texts: (string | undefined)[]): Pick<Violation, 'stackSlot'> => {
  for (const t of texts) {
    const slot = stackSlotOf(t);
    if (slot !== undefined) return { stackSlot: slot };
  }
  return {};
};

type Base = Pick<Violation, 'journey'>;

/** The fields our init script forwards from a `securitypolicyviolation` event. */
export interface CspEventData {
  documentURI: string;
  blockedURI: string;
  effectiveDirective: string;
  violatedDirective: string;
  sourceFile: string;
  lineNumber: number;
  columnNumber: number;
  sample: string;
  disposition: string;
  /** The whole policy that reported it: names the member in a stacked pass. */
  originalPolicy?: string;
  /**
   * A blocked inline <style>/<script>: its exact text, captured in the page (src/observe/signals.ts);
   * or a blocked inline event handler: the element's handler attributes (name and exact text).
   */
  inline?: { kind: 'style' | 'script'; text: string; inShadowRoot: boolean; handlers?: undefined; tag?: undefined }
    | { kind: 'handler'; text: string; handlers: { name: string; text: string }[]; tag: string; inShadowRoot?: undefined };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
// Column 0 means "not known": the DOM event gives it as the number 0, ReportingObserver as "0".
// Dropping it on every channel lets the same blocked inline script group as one violation.
const known = (n: string | number | undefined) => (n !== undefined && n !== '' && Number(n) !== 0 ? `:${n}` : '');
const location = (file: string, line: string | number, col?: string | number) =>
  file ? `${file}${known(line)}${known(line) ? known(col) : ''}` : '';

export function fromCspEvent(e: CspEventData, base: Base): Violation {
  return {
    kind: 'csp',
    directive: e.effectiveDirective || e.violatedDirective.split(' ')[0] || '',
    blockedUrl: normalizeBlocked(e.blockedURI, e.documentURI),
    source: location(e.sourceFile, e.lineNumber, e.columnNumber),
    sample: e.sample ?? '',
    disposition: e.disposition === 'report' ? 'report' : 'enforce',
    journey: base.journey,
    pageUrl: e.documentURI,
    channel: 'event',
    ...slotField(e.originalPolicy),
  };
}

/** A report received by the proxy's collector (report-uri or Reporting API). */
export function fromReport(r: RawReport, base: Base, channel: 'report' | 'observer' = 'report'): Violation | null {
  const b = r.body;
  if (r.type === 'csp-report') {
    const doc = str(b['document-uri']);
    return {
      kind: 'csp',
      directive: str(b['effective-directive']) || str(b['violated-directive']).split(' ')[0]!,
      blockedUrl: normalizeBlocked(str(b['blocked-uri']), doc),
      source: location(str(b['source-file']), str(b['line-number']), str(b['column-number'])),
      sample: str(b['script-sample']),
      disposition: b.disposition === 'report' ? 'report' : 'enforce',
      journey: base.journey,
      pageUrl: doc,
      channel: 'report',
      ...slotField(r.path, str(b['original-policy'])),
    };
  }
  if (r.type === 'csp-violation') {
    const doc = str(b.documentURL) || (r.url ?? '');
    return {
      kind: 'csp',
      directive: str(b.effectiveDirective),
      blockedUrl: normalizeBlocked(str(b.blockedURL), doc),
      source: location(str(b.sourceFile), str(b.lineNumber), str(b.columnNumber)),
      sample: str(b.sample),
      disposition: b.disposition === 'report' ? 'report' : 'enforce',
      journey: base.journey,
      pageUrl: doc,
      channel,
      ...slotField(r.path, str(b.originalPolicy)),
    };
  }
  if (r.type === 'permissions-policy-violation') {
    return {
      kind: 'permissions-policy',
      directive: str(b.featureId),
      blockedUrl: '',
      source: location(str(b.sourceFile), str(b.lineNumber), str(b.columnNumber)),
      sample: str(b.message),
      disposition: b.disposition === 'report' ? 'report' : 'enforce',
      journey: base.journey,
      pageUrl: r.url ?? '',
      channel,
    };
  }
  if (r.type === 'integrity-violation') {
    // Integrity-Policy (measured: Chromium 156 and Firefox ESR 153 both deliver it to a ReportingObserver):
    // { documentURL, blockedURL, destination: 'script' | 'style', reportOnly }.
    const doc = str(b.documentURL) || (r.url ?? '');
    return {
      kind: 'integrity-policy',
      directive: str(b.destination),
      blockedUrl: normalizeBlocked(str(b.blockedURL), doc),
      source: '',
      sample: `${str(b.destination) || 'a resource'} without integrity metadata`,
      disposition: b.reportOnly === true || b.reportOnly === 'true' ? 'report' : 'enforce',
      journey: base.journey,
      pageUrl: doc,
      channel,
    };
  }
  return null;
}

// Firefox (a page error): "The page’s settings blocked a script at URL from being loaded because it is
// missing integrity metadata." Chromium fails the request with the error text "integrity".
const FIREFOX_INTEGRITY = /The page[’']s settings (blocked|would block) an? ([a-z]+) at (\S+) from being loaded because it is missing integrity metadata/;

/** Firefox's Integrity-Policy message as a violation (a fallback), or null. */
function fromFirefoxIntegrityMessage(text: string, pageUrl: string, base: Base): Violation | null {
  const m = FIREFOX_INTEGRITY.exec(text);
  if (!m) return null;
  return {
    kind: 'integrity-policy', directive: m[2]!, blockedUrl: normalizeBlocked(m[3]!, pageUrl), source: '', sample: text,
    disposition: m[1] === 'would block' ? 'report' : 'enforce', journey: base.journey, pageUrl, channel: 'console',
  };
}

// "Refused to load the image 'URL' because it violates the following Content Security Policy directive: "img-src 'self'"."
// "Loading the script 'URL' violates the following Content Security Policy directive: "script-src 'self'". The action has been blocked."
// "Executing inline script violates the following Content Security Policy directive 'script-src 'self''. …"
const CSP_CONSOLE = /Content Security Policy directive/i;
const PP_CONSOLE = /Permissions policy violation: ([a-z0-9-]+) is not allowed in this document/i;
const QUOTED_URL = /'((?:https?|wss?|data|blob):[^']*)'/i;

// Firefox's wording (it arrives as a page error over WebDriver BiDi): "(Report-Only policy) The
// page’s settings would block the loading of a resource (img-src) at data:… because it violates
// the following directive: “img-src 'self'”", "…blocked an inline script (script-src-elem)…",
// "…blocked WebAssembly (script-src)…".
const FIREFOX_CSP = /The page[’']s settings (blocked|would block) (.+?) \(([a-z-]+)\)(?: at (\S+))? (?:from being|because)/;

/** A Firefox CSP message as a violation (a fallback, like Chromium's console text), or null. */
export function fromFirefoxCspMessage(text: string, pageUrl: string, base: Base): Violation | null {
  const m = FIREFOX_CSP.exec(text);
  if (!m) return null;
  const what = m[2]!;
  const blocked = m[4] ? m[4].replace(/…$/, '') : /inline/i.test(what) ? 'inline' : /WebAssembly/i.test(what) ? 'wasm-eval' : /eval/i.test(what) ? 'eval' : '';
  return {
    kind: 'csp', directive: m[3]!, blockedUrl: normalizeBlocked(blocked, pageUrl), source: '', sample: text,
    disposition: m[1] === 'would block' || /^\(Report-Only policy\)/.test(text) ? 'report' : 'enforce', journey: base.journey, pageUrl, channel: 'console',
  };
}

export function fromConsole(text: string, type: string, pageUrl: string, base: Base): Violation | null {
  const firefox = fromFirefoxCspMessage(text, pageUrl, base) ?? fromFirefoxIntegrityMessage(text, pageUrl, base);
  if (firefox) return firefox;
  const pp = PP_CONSOLE.exec(text);
  if (pp) {
    return {
      kind: 'permissions-policy', directive: pp[1]!.toLowerCase(), blockedUrl: '', source: '', sample: text,
      disposition: /report[- ]only/i.test(text) ? 'report' : 'enforce', journey: base.journey, pageUrl, channel: 'console',
    };
  }
  // A notice about the policy itself (e.g. upgrade-insecure-requests in a report-only policy is
  // ignored), not a violation; policy/warnings.ts states these in the report.
  if (/is ignored when delivered (in a report-only policy|via a <meta> element)/i.test(text)) return null;
  if (CSP_CONSOLE.test(text)) {
    const report = /^\[Report Only\]/.test(text) || /policy is report-only/i.test(text);
    const directive = /directive:? ["']([a-z-]+)/i.exec(text)?.[1] ?? '';
    let blocked = QUOTED_URL.exec(text)?.[1] ?? '';
    if (!blocked) {
      if (/inline (script|style|event handler)|inline/i.test(text)) blocked = 'inline';
      else if (/eval|string as JavaScript/i.test(text)) blocked = /WebAssembly/i.test(text) ? 'wasm-eval' : 'eval';
    }
    return {
      kind: 'csp', directive, blockedUrl: normalizeBlocked(blocked, pageUrl), source: '', sample: text,
      disposition: report ? 'report' : 'enforce', journey: base.journey, pageUrl, channel: 'console',
    };
  }
  if (/Mixed Content:/i.test(text)) {
    const blocked = /requested an insecure [a-z ]+ '([^']+)'/i.exec(text)?.[1] ?? '';
    return {
      kind: 'mixed-content', directive: 'mixed-content', blockedUrl: normalizeBlocked(blocked, pageUrl), source: '', sample: text,
      disposition: /was loaded over HTTPS, but requested an insecure .* This request has been blocked/i.test(text) ? 'enforce' : 'report',
      journey: base.journey, pageUrl, channel: 'console',
    };
  }
  if (type === 'error') {
    return { kind: 'console-error', directive: '', blockedUrl: '', source: '', sample: text, disposition: 'enforce', journey: base.journey, pageUrl, channel: 'console' };
  }
  return null;
}

/** A failed request; CSP and CORP blocks have distinctive error texts. */
export function fromRequestFailed(url: string, errorText: string, pageUrl: string, base: Base): Violation | null {
  if (/ERR_ABORTED|NS_BINDING_ABORTED/.test(errorText)) return null; // navigation away or a cancelled preload (Chromium's, Firefox's)
  if (/ERR_BLOCKED_BY_CSP/.test(errorText)) {
    return { kind: 'csp', directive: '', blockedUrl: normalizeBlocked(url, pageUrl), source: '', sample: errorText, disposition: 'enforce', journey: base.journey, pageUrl, channel: 'network' };
  }
  if (errorText === 'integrity') {
    return { kind: 'integrity-policy', directive: '', blockedUrl: normalizeBlocked(url, pageUrl), source: '', sample: 'blocked: no integrity metadata', disposition: 'enforce', journey: base.journey, pageUrl, channel: 'network' };
  }
  // Firefox names no CORP value: its message (a page error) says "blocked due to its
  // Cross-Origin-Resource-Policy header".
  if (/NS_ERROR_DOM_CORP_FAILED/.test(errorText)) {
    return { kind: 'corp', directive: 'blocked-by-response', blockedUrl: normalizeBlocked(url, pageUrl), source: '', sample: errorText, disposition: 'enforce', journey: base.journey, pageUrl, channel: 'network' };
  }
  if (/ERR_BLOCKED_BY_RESPONSE/.test(errorText)) {
    return {
      kind: 'corp', directive: errorText.replace(/^net::ERR_BLOCKED_BY_RESPONSE\.?/, '') || 'blocked-by-response',
      blockedUrl: normalizeBlocked(url, pageUrl), source: '', sample: errorText, disposition: 'enforce', journey: base.journey, pageUrl, channel: 'network',
    };
  }
  return { kind: 'request-failed', directive: errorText, blockedUrl: normalizeBlocked(url, pageUrl), source: '', sample: errorText, disposition: 'enforce', journey: base.journey, pageUrl, channel: 'network' };
}

export function fromPageError(message: string, pageUrl: string, base: Base): Violation {
  const firefox = fromFirefoxCspMessage(message, pageUrl, base) ?? fromFirefoxIntegrityMessage(message, pageUrl, base);
  if (firefox) return firefox;
  return { kind: 'page-error', directive: '', blockedUrl: '', source: '', sample: message, disposition: 'enforce', journey: base.journey, pageUrl, channel: 'pageerror' };
}
