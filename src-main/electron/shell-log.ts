// The Electron shell's own log: one JSON object per line on stderr (the engine keeps its own log in
// $WARREN_HOME/warren.log). Messages name what failed and what to try; never secrets.
export interface ShellLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export function createShellLog(write: (line: string) => void = (line) => process.stderr.write(line)): ShellLog {
  const emit = (level: string, obj: Record<string, unknown>, msg: string): void => {
    try {
      write(`${JSON.stringify({ time: new Date().toISOString(), level, name: 'warren-shell', msg, ...obj })}\n`);
    } catch {
      // a closed stderr (detached app) must not crash the app
    }
  };
  return {
    info: (obj, msg) => emit('info', obj, msg),
    warn: (obj, msg) => emit('warn', obj, msg),
    error: (obj, msg) => emit('error', obj, msg),
  };
}
