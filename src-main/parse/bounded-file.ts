// Read a text file only if it is small enough. fs.readFile of /dev/zero, a FIFO or a file that
// grows while read never ends (or fills memory); this reads at most maxBytes + 1 bytes and refuses
// a larger file with the size limit's error, whatever kind of file the path names.
import fs from 'node:fs/promises';
import { sizeError } from '../../src-shared/logic/parse-limits.js';

export async function readTextFileBounded(file: string, maxBytes: number, what: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
    if (st.isFile() && st.size > maxBytes) throw sizeError(what, maxBytes, st.size);
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > maxBytes) throw sizeError(what, maxBytes);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    await handle.close();
  }
}
