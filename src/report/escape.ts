// Every string in a report may come from a page (violation samples, URLs, console text): escape it.
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown table cells: escape pipes, backticks, angle brackets and line breaks. */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? '')
    .replace(/[\\`*_{}[\]<>|#!]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

export function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
