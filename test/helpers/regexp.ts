// Shared by tests in several folders that match messages quoting a path or a command line.

/** The text as a regular expression that matches it literally (paths hold dots, slashes, brackets). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
