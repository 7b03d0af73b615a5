import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBlock, BEGIN_MARKER, END_MARKER, parseBlock, removeBlock, removeEntry, type VscodeHostEntry } from './ssh-config-block.js';

// User text built from the pieces that break naive editors: CR, CRLF, lone LF, comments, Include,
// indentation, Host lines, and no final newline.
const piece = fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', '# comment', 'Include ~/.ssh/conf.d/*', 'Host prod', '    HostName 10.0.0.1', 'Port 2222', 'x', '');
const userText = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));

const entry: fc.Arbitrary<VscodeHostEntry> = fc.record(
  {
    forward: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,12}$/),
    port: fc.integer({ min: 1, max: 65535 }),
    user: fc.constantFrom('ec2-user', 'ubuntu'),
    knownHostsFile: fc.constantFrom('/home/u/.config/warren/vscode_known_hosts', '/Users/u/Library/Application Support/warren/vscode_known_hosts'),
  },
  { requiredKeys: ['forward', 'port', 'knownHostsFile'] },
);
const entries = fc.uniqueArray(entry, { selector: (e) => e.forward, maxLength: 4 });

describe('ssh config block', () => {
  it('setup then cleanup gives back the original bytes, and setup is idempotent', () => {
    fc.assert(
      fc.property(userText, entries, entries, (text, a, b) => {
        const once = applyBlock(text, a);
        expect(applyBlock(once, a)).toBe(once);
        expect(once.startsWith(text)).toBe(true);
        expect(parseBlock(once)).toEqual(a);
        expect(removeBlock(once)).toBe(text);
        // Setting it again with other entries still cleans up to the original.
        expect(removeBlock(applyBlock(once, b))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the text around an existing block byte for byte', () => {
    fc.assert(
      fc.property(userText, userText, entries, entries, (before, after, a, b) => {
        // A block the user moved into the middle of the file: before must end a line for it to be one.
        const pre = before === '' || before.endsWith('\n') ? before : `${before}\n`;
        const block = applyBlock('', a);
        const text = pre + block + after;
        const next = applyBlock(text, b);
        const newBlock = applyBlock('', b);
        expect(next).toBe(pre + newBlock + after);
        if (after !== '') expect(removeBlock(text)).toBe(pre + after);
        expect(parseBlock(next)).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the documented entry, quoting a known_hosts path with spaces, in the file\'s line endings', () => {
    const text = 'Host prod\r\n  User me\r\n';
    const out = applyBlock(text, [{ forward: 'web', port: 2201, user: 'ubuntu', knownHostsFile: '/a b/vscode_known_hosts' }]);
    expect(out).toBe(
      [
        'Host prod',
        '  User me',
        '',
        BEGIN_MARKER,
        'Host warren-web',
        '    HostName 127.0.0.1',
        '    Port 2201',
        '    User ubuntu',
        '    StrictHostKeyChecking accept-new',
        '    UserKnownHostsFile "/a b/vscode_known_hosts"',
        END_MARKER,
        '',
      ].join('\r\n'),
    );
    expect(parseBlock(out)).toEqual([{ forward: 'web', port: 2201, user: 'ubuntu', knownHostsFile: '/a b/vscode_known_hosts' }]);
  });

  it('removes one entry and keeps the rest', () => {
    const k = '/k';
    const out = applyBlock('Host a\n', [
      { forward: 'one', port: 1, knownHostsFile: k },
      { forward: 'two', port: 2, knownHostsFile: k },
    ]);
    const less = removeEntry(out, 'one');
    expect(parseBlock(less)).toEqual([{ forward: 'two', port: 2, knownHostsFile: k }]);
    expect(removeBlock(less)).toBe('Host a\n');
    expect(removeEntry('Host a\n', 'one')).toBe('Host a\n');
  });

  it('does not swallow user lines after a stray begin marker', () => {
    const text = `${BEGIN_MARKER}\nHost mine\n`;
    const out = applyBlock(text, [{ forward: 'w', port: 5, knownHostsFile: '/k' }]);
    expect(out.startsWith(text)).toBe(true);
    expect(removeBlock(out)).toBe(text);
  });
});
