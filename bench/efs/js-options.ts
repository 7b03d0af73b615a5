// The pure-JavaScript ways to count that were weighed for file-counter-js.ts, timed once each on
// the benchmark trees so the choice stays checkable: readdir withFileTypes (one array of every
// Dirent), the async Dir iterator, and Dir.readSync on the main thread (what the shipped walker
// runs in its worker). Same rule as countFiles: regular files, symlinks not followed.
import fs from 'node:fs';

type Counter = (root: string, recursive: boolean) => Promise<number>;

const join = (dir: string, name: string): string => `${dir}/${name}`;

const readdirWithFileTypes: Counter = async (root, recursive) => {
  let files = 0;
  const todo = [root];
  for (let dir = todo.pop(); dir !== undefined; dir = todo.pop()) {
    for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
      if (e.isFile()) files++;
      else if (recursive && e.isDirectory()) todo.push(join(dir, e.name));
    }
  }
  return files;
};

const opendirAsync: Counter = async (root, recursive) => {
  let files = 0;
  const todo = [root];
  for (let dir = todo.pop(); dir !== undefined; dir = todo.pop()) {
    for await (const e of await fs.promises.opendir(dir, { bufferSize: 1024 })) {
      if (e.isFile()) files++;
      else if (recursive && e.isDirectory()) todo.push(join(dir, e.name));
    }
  }
  return files;
};

const opendirSync: Counter = async (root, recursive) => {
  let files = 0;
  const todo = [root];
  for (let dir = todo.pop(); dir !== undefined; dir = todo.pop()) {
    const d = fs.opendirSync(dir, { bufferSize: 1024 });
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) {
        if (e.isFile()) files++;
        else if (recursive && e.isDirectory()) todo.push(join(dir, e.name));
      }
    } finally {
      d.closeSync();
    }
  }
  return files;
};

export const JS_OPTIONS: [string, Counter][] = [
  ['js: readdir withFileTypes (async, main thread)', readdirWithFileTypes],
  ['js: opendir bufferSize 1024 (async iterator)', opendirAsync],
  ['js: opendirSync 1024 + readSync (main thread)', opendirSync],
];
