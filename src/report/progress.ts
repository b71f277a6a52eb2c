// Progress of `headerproof run`: a policy × journey grid redrawn in place on a terminal, one plain
// line per finished journey elsewhere (CI logs, pipes).
import { journeyNameOf } from '../harness/journey-name.js';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

type Cell = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
const SYMBOL: Record<Cell, string> = { pending: '·', running: '▸', passed: '✓', failed: '✗', skipped: '–' };

// A file of several journeys (a generic app's pages) names each with a "journey" annotation.
function journeyOf(test: TestCase): string {
  return test.annotations.find((a) => a.type === 'journey')?.description ?? journeyNameOf(test.location.file);
}

export default class ProgressReporter implements Reporter {
  private readonly live: boolean;
  private readonly grid = new Map<string, Map<string, Cell>>();
  private journeys: string[] = [];
  private total = 0;
  private done = 0;
  private drawnLines = 0;
  private failures: string[] = [];

  constructor(options: { live?: boolean } = {}) {
    this.live = options.live ?? (Boolean(process.stdout.isTTY) && !process.env.CI);
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    const journeys = new Set<string>();
    for (const test of suite.allTests()) {
      const project = test.parent.project()?.name ?? '';
      if (!this.grid.has(project)) this.grid.set(project, new Map());
      this.grid.get(project)!.set(journeyOf(test), 'pending');
      journeys.add(journeyOf(test));
    }
    this.journeys = [...journeys].sort();
    this.total = suite.allTests().length;
    if (this.live) this.draw();
    else console.log(`headerproof: ${this.total} journey run(s): ${this.grid.size} project(s) × ${this.journeys.length} journey(s)`);
  }

  onTestBegin(test: TestCase): void {
    this.set(test, 'running');
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const cell: Cell = result.status === 'passed' ? 'passed' : result.status === 'skipped' ? 'skipped' : 'failed';
    // A failed try that will run again (--retries) is not done yet: say so, and count it once.
    const again = cell === 'failed' && result.retry < test.retries;
    if (again) {
      this.set(test, 'running');
      if (!this.live) console.log(`      ${test.parent.project()?.name ?? ''} × ${journeyOf(test)}: failed, running it again (${(result.error?.message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]!.slice(0, 160)})`);
      return;
    }
    this.done++;
    if (cell === 'failed') this.failures.push(`${test.parent.project()?.name ?? ''} × ${journeyOf(test)}: ${(result.error?.message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]!.slice(0, 160)}`);
    this.set(test, cell);
    if (!this.live) {
      const project = test.parent.project()?.name ?? '';
      const why = cell === 'failed' ? `: ${(result.error?.message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]!.slice(0, 160)}`
        : cell === 'skipped' ? `: ${test.annotations.find((a) => a.type === 'skip')?.description ?? ''}` : '';
      console.log(`[${String(this.done).padStart(String(this.total).length)}/${this.total}] ${project} × ${journeyOf(test)}: ${cell} (${(result.duration / 1000).toFixed(1)}s)${why}`);
    }
  }

  onEnd(_result: FullResult): void {
    if (!this.live) return;
    this.draw();
    for (const f of this.failures) console.log(`  ${SYMBOL.failed} ${f}`);
  }

  onError(error: { message?: string }): void {
    console.error(error.message ?? String(error));
  }

  printsToStdio(): boolean {
    return true;
  }

  private set(test: TestCase, cell: Cell): void {
    this.grid.get(test.parent.project()?.name ?? '')?.set(journeyOf(test), cell);
    if (this.live) this.draw();
  }

  /** The grid as text (also what tests read). */
  render(): string[] {
    const width = Math.max(8, ...[...this.grid.keys()].map((p) => p.length));
    const head = `${''.padEnd(width)}  ${this.journeys.map((j) => j.slice(0, 10).padEnd(10)).join(' ')}`;
    const rows = [...this.grid].map(([project, cells]) =>
      `${project.padEnd(width)}  ${this.journeys.map((j) => (cells.has(j) ? SYMBOL[cells.get(j)!] : ' ').padEnd(10)).join(' ')}`);
    return [head, ...rows, `${this.done}/${this.total} done   ${SYMBOL.passed} passed  ${SYMBOL.failed} failed  ${SYMBOL.skipped} skipped  ${SYMBOL.running} running`];
  }

  private draw(): void {
    const lines = this.render();
    const up = this.drawnLines ? `\u001b[${this.drawnLines}F` : '';
    process.stdout.write(`${up}${lines.map((l) => `${l}\u001b[K`).join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
