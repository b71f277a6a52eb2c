import path from 'node:path';

/** A journey's name from its file: timeline.spec.ts → timeline. */
export function journeyNameOf(file: string): string {
  return path.basename(file).replace(/\.spec\.[cm]?[jt]s$/, '');
}
