// Ask again every few seconds while the component using it is mounted (i.e. its view is shown),
// one request at a time, skipping rounds while the window is hidden. For data the daemon has no
// events for (router health is asked of each router on demand).
import { useEffect, useRef, useState } from 'react';
import { describeError } from './use-warren.js';

export interface Polled<T> {
  data?: T;
  /** The last round's failure; cleared by the next success. */
  error?: string;
  /** True until the first round has answered (either way). */
  loading: boolean;
}

export function usePoll<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ loading: true });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  }, [load]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const round = async (): Promise<void> => {
      if (typeof document === 'undefined' || !document.hidden) {
        try {
          const data = await loadRef.current();
          if (!stopped) setState({ data, loading: false });
        } catch (e) {
          if (!stopped) setState((s) => ({ ...s, error: describeError(e), loading: false }));
        }
      }
      if (!stopped) timer = setTimeout(() => void round(), intervalMs);
    };
    void round();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs]);

  return state;
}
