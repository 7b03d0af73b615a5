// One line naming the anchors' versions, so a printed table says what it was measured against.
import { execFile } from 'node:child_process';
import { findBinary } from './tunnel-path.js';

function firstLine(bin: string | undefined, args: string[], pick: RegExp): Promise<string | undefined> {
  if (!bin) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 5000 }, (_err, stdout, stderr) => resolve(pick.exec(`${stdout}\n${stderr}`)?.[0]));
  });
}

export async function anchorVersions(): Promise<string> {
  const found = await Promise.all([
    firstLine(findBinary('stunnel4', 'stunnel'), ['-version'], /stunnel \d+\.\d+/),
    firstLine(findBinary('socat'), ['-V'], /socat version [\d.]+/),
    firstLine(findBinary('ssh'), ['-V'], /OpenSSH_[^\s,]+/),
    firstLine(findBinary('openssl'), ['version'], /OpenSSL [\d.]+/),
  ]);
  return found.filter((x) => x !== undefined).join(', ');
}
