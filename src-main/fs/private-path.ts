// Who may touch the paths Warren trusts: $WARREN_HOME, the files in it, the daemon's socket, the ssh
// config. Another user on the machine must not be able to plant, replace or read them, so each is
// checked with lstat/fstat (never by following a link that someone else could have planted) and
// refused with a message that says how to fix it. POSIX only: on Windows (no uids) every check passes.
import fs from 'node:fs';
import path from 'node:path';

/** A path Warren will not use because someone other than the user could change it. */
export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason}; Warren refuses to use it (${fix})`);
    this.name = 'UnsafePathError';
  }
}

/** The uid files must belong to, or undefined where there are no uids (Windows). */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

const GROUP_OTHER_WRITE = 0o022;
const GROUP_OTHER_ANY = 0o077;
const STICKY = 0o1000;

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Every proper ancestor of an absolute path, from the root down: /a/b/c → /, /a, /a/b. */
function ancestors(abs: string): string[] {
  const out: string[] = [];
  for (let p = path.dirname(abs); ; p = path.dirname(p)) {
    out.unshift(p);
    if (path.dirname(p) === p) break;
  }
  return out;
}

/**
 * The folders above a path must not let anyone else rename or replace what is below them: each is
 * owned by root or the user, and not writable by group or others unless sticky (/tmp). A symlink on
 * the way must be root's or the user's (its parent was checked just before); its target's folders
 * are checked through the resolved path.
 */
function checkAncestors(abs: string, uid: number): void {
  const chains = [ancestors(abs)];
  try {
    chains.push(ancestors(fs.realpathSync(abs)));
  } catch {
    // it does not exist yet: its lexical chain is all there is
  }
  for (const chain of chains) {
    for (const dir of chain) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // the rest will be created by us
        throw e;
      }
      if (st.uid !== 0 && st.uid !== uid)
        throw new UnsafePathError(dir, `${dir} (above ${abs}) is owned by uid ${st.uid}, who could replace what is below it`, 'choose a path under folders you or root own');
      if (st.isSymbolicLink()) continue;
      if ((st.mode & GROUP_OTHER_WRITE) !== 0 && (st.mode & STICKY) === 0)
        throw new UnsafePathError(
          dir,
          `${dir} (above ${abs}) is writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${octal(st.mode)}) without the sticky bit`,
          `run \`chmod go-w ${dir}\` or choose a path under folders only you can write`,
        );
    }
  }
}

/** A folder the user owns and nobody else can write: checked on what it resolves to. */
function checkOwnDir(dir: string, uid: number, what: string): void {
  const st = fs.statSync(dir); // the home may be a symlink: its target is what must be private
  if (!st.isDirectory()) throw new UnsafePathError(dir, `${what} ${dir} is not a directory`, 'choose a directory you own');
  if (st.uid !== uid)
    throw new UnsafePathError(dir, `${what} ${dir} is owned by uid ${st.uid}, not by you (uid ${uid})`, `choose a home you own, or \`chown ${uid} ${dir}\` if it is yours`);
  if ((st.mode & GROUP_OTHER_WRITE) !== 0)
    throw new UnsafePathError(dir, `${what} ${dir} is writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${octal(st.mode)})`, `run \`chmod 700 ${dir}\``);
}

/**
 * Make sure $WARREN_HOME is private before anything is read from or written to it: a missing home is
 * created 0700; an existing one must be a directory the user owns that no one else can write, under
 * folders no one else can swap. A symlinked home is followed once and its target checked (the link
 * itself must be the user's or root's). Throws UnsafePathError, having written nothing but a
 * missing home.
 */
export function ensurePrivateHome(home: string): void {
  const uid = currentUid();
  const abs = path.resolve(home);
  if (uid === undefined) {
    fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
    return;
  }
  checkAncestors(abs, uid);
  let link: fs.Stats | undefined;
  try {
    link = fs.lstatSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (!link) {
    fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
    try {
      fs.mkdirSync(abs, { mode: 0o700 });
      fs.chmodSync(abs, 0o700); // the mode given to mkdir is masked by the umask
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // someone made it meanwhile: judged below
    }
    link = fs.lstatSync(abs);
  }
  if (link.isSymbolicLink() && link.uid !== 0 && link.uid !== uid)
    throw new UnsafePathError(abs, `${abs} is a symlink owned by uid ${link.uid}`, 'choose a home you own');
  checkOwnDir(abs, uid, 'WARREN_HOME');
}

/** Check, without creating anything, that a home is private (what the CLI does before it talks to a daemon there). */
export function checkPrivateHome(home: string): void {
  const uid = currentUid();
  if (uid === undefined) return;
  const abs = path.resolve(home);
  checkAncestors(abs, uid);
  const link = fs.lstatSync(abs);
  if (link.isSymbolicLink() && link.uid !== 0 && link.uid !== uid)
    throw new UnsafePathError(abs, `${abs} is a symlink owned by uid ${link.uid}`, 'choose a home you own');
  checkOwnDir(abs, uid, 'WARREN_HOME');
}

/** A folder inside the home (keys/): created 0700, and refused if it is a symlink or not private. */
export function ensurePrivateSubdir(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const uid = currentUid();
  if (uid === undefined) return;
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new UnsafePathError(dir, `${dir} is not a plain directory (a symlink or a file)`, `remove it; Warren makes it again`);
  if (st.uid !== uid) throw new UnsafePathError(dir, `${dir} is owned by uid ${st.uid}, not by you (uid ${uid})`, `remove it; Warren makes it again`);
  if ((st.mode & GROUP_OTHER_ANY) !== 0) throw new UnsafePathError(dir, `${dir} is open to group or others (mode ${octal(st.mode)})`, `run \`chmod 700 ${dir}\``);
}

/**
 * The contents of a secret file only when it is a regular file (not a symlink) that the user owns
 * and no one else can read or write; undefined when it is missing or fails any of that (the caller
 * then makes a new secret and replaces the file).
 */
export function readOwnPrivateFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined; // missing, or a symlink (ELOOP)
  }
  try {
    const st = fs.fstatSync(fd);
    const uid = currentUid();
    if (!st.isFile()) return undefined;
    if (uid !== undefined && (st.uid !== uid || (st.mode & GROUP_OTHER_ANY) !== 0)) return undefined;
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A config file Warren reads on the user's behalf (the ssh config and its Includes), as OpenSSH
 * judges ~/.ssh/config: a regular file (a symlink is judged by its target) owned by the user or
 * root and writable by no one else. ENOENT propagates (the caller decides what a missing file means).
 */
export async function checkTrustedConfigFile(file: string, what: string): Promise<void> {
  const st = await fs.promises.stat(file);
  const uid = currentUid();
  if (!st.isFile()) throw new UnsafePathError(file, `${what} ${file} is not a regular file`, 'point it at a file');
  if (uid === undefined) return;
  if (st.uid !== uid && st.uid !== 0)
    throw new UnsafePathError(file, `${what} ${file} is owned by uid ${st.uid}, not by you (uid ${uid}) or root`, `use a file you own, or \`chown ${uid} ${file}\` if it is yours`);
  if ((st.mode & GROUP_OTHER_WRITE) !== 0)
    throw new UnsafePathError(file, `${what} ${file} is writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${octal(st.mode)})`, `run \`chmod go-w ${file}\``);
}

/**
 * Before the CLI sends anything (passphrases!) to the daemon's socket: it must be a socket the user
 * owns with no access for group or others, in a private home. Returns false when there is nothing at
 * the path (no daemon); throws UnsafePathError when something is there that is not the user's daemon.
 */
export function checkDaemonSocket(socketPath: string): boolean {
  const uid = currentUid();
  let st: fs.Stats;
  try {
    st = fs.lstatSync(socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw e;
  }
  if (uid === undefined) return true;
  checkPrivateHome(path.dirname(socketPath));
  if (st.isSymbolicLink()) throw new UnsafePathError(socketPath, `${socketPath} is a symlink, not the daemon's socket`, `remove it and start the daemon again`);
  if (!st.isSocket()) return false; // a leftover file: nothing listens there, and a new daemon replaces it
  if (st.uid !== uid)
    throw new UnsafePathError(socketPath, `the socket ${socketPath} is owned by uid ${st.uid}, not by you (uid ${uid}): it is not your daemon`, `remove it and start your own daemon`);
  if ((st.mode & GROUP_OTHER_ANY) !== 0)
    throw new UnsafePathError(socketPath, `the socket ${socketPath} is open to group or others (mode ${octal(st.mode)})`, `stop the daemon, remove the socket and start it again`);
  return true;
}
