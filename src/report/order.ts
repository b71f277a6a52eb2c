// The order a report lists policies in: the news on top. Rendering, not a verdict.
import type { PolicyVerdict, Verdict } from './model.js';

/** Breaks first, then would-break, inconclusive, safe (stable within each). */
const VERDICT_ORDER: Verdict[] = ['breaks', 'would-break', 'inconclusive', 'safe'];

export function byVerdict(policies: PolicyVerdict[]): PolicyVerdict[] {
  return [...policies].sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
}
