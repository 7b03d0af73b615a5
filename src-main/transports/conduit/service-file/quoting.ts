// Quoting for the three languages service files are written in. Every argument a user typed (a
// config path with spaces, a name with a quote) must reach warren as the same single argument.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

function refuseNewlines(text: string): void {
  if (/[\r\n\0]/.test(text)) throw new Error(`a service file cannot carry a line break or NUL in ${JSON.stringify(text)}`);
}

/** POSIX sh: a bare word when that is safe, else single quotes ('\'' for a quote inside). */
export function shellQuote(word: string): string {
  refuseNewlines(word);
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * One word of a systemd ExecStart= or Environment= line. systemd expands %-specifiers and $VAR
 * itself, so those are doubled even inside quotes; quotes and backslashes are C-escaped.
 */
export function systemdQuote(word: string): string {
  refuseNewlines(word);
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (SAFE_WORD.test(word)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function xmlEscape(text: string): string {
  refuseNewlines(text);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
