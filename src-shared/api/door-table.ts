// The "What each door may do" table of docs/SECURITY.md, rendered from the door policy so the doc
// cannot drift from what the dispatcher enforces (door-table.test.ts compares them).
import { doorsFor, localSettings, MAX_EXPENSIVE_PER_CLIENT, methodPolicy, settingPolicy, type Door } from './door-policy.js';

const columns: ReadonlyArray<[Door, string]> = [
  ['ipc', 'Warren window (Electron IPC)'],
  ['socket', '`warren` CLI (Unix socket, 0600)'],
  ['websocket', 'Browser mode (WebSocket + token)'],
];

const code = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');
const mark = (allowed: readonly Door[], door: Door): string => (allowed.includes(door) ? 'yes' : '**no**');

export function doorTableMarkdown(): string {
  const methods = Object.keys(methodPolicy).sort() as Array<keyof typeof methodPolicy>;
  const localMethods = methods.filter((m) => methodPolicy[m].reach === 'local');
  const withPaths = methods.filter((m) => methodPolicy[m].reach === 'all' && m !== 'config.update' && methodPolicy[m].localParams?.length);
  const pathParams = [...new Set(withPaths.flatMap((m) => methodPolicy[m].localParams ?? []))].sort();
  const expensive = methods.filter((m) => methodPolicy[m].expensive);
  const otherSettings = Object.keys(settingPolicy).filter((k) => !localSettings.includes(k as never)).length;
  const rows: Array<[string, readonly Door[]]> = [
    [`Every other method (${methods.length - localMethods.length} of ${methods.length})`, doorsFor.all],
    [`Methods for the user at this machine only: ${code(localMethods)}`, doorsFor.local],
    [`Settings that name a file Warren runs or reads (\`config.update\`): ${code([...localSettings].sort())}`, doorsFor.local],
    [`Every other setting (${otherSettings})`, doorsFor.all],
    [`Params that name a file Warren reads: ${code(pathParams)} of ${code(withPaths)} (the call without them is served everywhere)`, doorsFor.local],
    [`Expensive calls, at most ${MAX_EXPENSIVE_PER_CLIENT} in flight per client: ${code(expensive)}`, doorsFor.all],
  ];
  return [
    `| What | ${columns.map(([, label]) => label).join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
    ...rows.map(([what, allowed]) => `| ${what} | ${columns.map(([door]) => mark(allowed, door)).join(' | ')} |`),
  ].join('\n');
}
