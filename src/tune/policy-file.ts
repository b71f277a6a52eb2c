// Writes a tuned policy as YAML a person can review: each source on its own line, with a comment
// saying which journey needs it and, for hashes, which inline block it is and whether it changes
// with the next app build. The text is parsed back through the normal loader before it is kept.
import type { CspDirectives } from '../policy/csp.js';
import { parsePolicy, type Policy } from '../policy/policy.js';
import type { SourceNote } from './synthesize.js';

export function tunedPolicyYaml(options: {
  name: string;
  description: string;
  directives: CspDirectives;
  notes: SourceNote[];
  header: string[];
  base?: Policy;
  /** A report-only CSP (tune's Trusted Types proposal); default enforced. */
  reportOnly?: boolean;
}): string {
  const q = (s: string) => JSON.stringify(s);
  const note = (directive: string, source: string) => {
    const n = options.notes.find((x) => x.directive === directive && x.source === source);
    if (!n) return '';
    const why = [
      ...(n.journeys.length ? [`needed by ${n.journeys.join(', ')}`] : []),
      ...(n.reports ? [`${n.reports.count} production report${n.reports.count === 1 ? '' : 's'} on ${n.reports.pages.slice(0, 5).join(', ')}${n.reports.pages.length > 5 ? ', …' : ''}`] : []),
    ];
    return `  # ${n.note ? `${n.note}; ` : ''}${why.join('; ')}`;
  };
  const lines = [
    // Page strings (a sample, a script's URL) stay inside their comment line.
    ...options.header.map((h) => `# ${h.replace(/[\r\n\u2028\u2029]+/g, ' ')}`),
    `name: ${options.name}`,
    `description: ${q(options.description)}`,
  ];
  const base = options.base;
  if (base && Object.keys(base.set).length) {
    lines.push('set:', ...Object.entries(base.set).map(([k, v]) => `  ${k}: ${q(v)}`));
  }
  if (base?.remove.length) lines.push('remove:', ...base.remove.map((r) => `  - ${r}`));
  if (base?.paths) lines.push('paths:', ...base.paths.map((p) => `  - ${q(p)}`));
  lines.push('csp:', `  reportOnly: ${options.reportOnly === true}`, '  directives:');
  for (const [directive, sources] of Object.entries(options.directives)) {
    if (!sources.length) {
      lines.push(`    ${directive}: []`);
      continue;
    }
    lines.push(`    ${directive}:`);
    for (const s of sources) lines.push(`      - ${q(s)}${note(directive, s)}`);
  }
  const text = lines.join('\n') + '\n';
  parsePolicy(text, `${options.name}.yaml`); // must round-trip through the normal validation
  return text;
}
