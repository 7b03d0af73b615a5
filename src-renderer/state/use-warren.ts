// The window's store: one initial load, then live notifications. Every (re)connect reloads, since
// events sent while the socket was down are lost; the carrier has re-subscribed by then.
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { WarrenError, type ConduitStartParams, type ConfigUpdateParams, type Ec2ConnectParams, type ForwardAddParams, type WarrenClient } from '../../src-shared/api/index.js';
import type { LiveCarrier } from '../api/carrier.js';
import type { ForwardUpdateParams } from './forward-form-model.js';
import { initialState, promptForError, reducer, type WarrenState } from './reducer.js';

export interface WarrenActions {
  reloadHosts(): Promise<{ total: number; added: string[]; removed: string[] }>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  /** Form actions throw WarrenError so the form can show the server's message. */
  addForward(params: ForwardAddParams): Promise<string>;
  updateForward(params: ForwardUpdateParams): Promise<string>;
  /** Save and start a conduit tunnel (conduit.start); resolves with its name. */
  startTunnel(params: ConduitStartParams): Promise<string>;
  /** Save and start an SSM forward to an EC2 instance (ec2.connect). */
  connectInstance(params: Ec2ConnectParams): Promise<{ name: string; status: string }>;
  /** Removes an SSH forward, a conduit tunnel or an SSM forward alike (forward.delete works by name for both). */
  deleteForward(name: string): Promise<void>;
  saveConfig(params: ConfigUpdateParams): Promise<void>;
  trustHost(): Promise<void>;
  unlockHost(passphrase: string): Promise<void>;
  dismissPrompt(): void;
}

export function describeError(e: unknown): string {
  if (e instanceof WarrenError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

export function useWarren(client: WarrenClient, carrier: LiveCarrier): { state: WarrenState; actions: WarrenActions } {
  const [state, dispatch] = useReducer(reducer, { ...initialState, connection: carrier.status });
  // Handlers read the latest state without re-subscribing on every change.
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const loadAll = useCallback(async () => {
    try {
      const [hosts, forwards, sessions, config] = await Promise.all([
        client.call('host.list'),
        client.call('forward.list', {}),
        client.call('session.list'),
        client.call('config.get'),
      ]);
      dispatch({ type: 'loaded', hosts: hosts.hosts, forwards: forwards.forwards, sessions: sessions.sessions, config });
    } catch (e) {
      dispatch({ type: 'load-failed', error: describeError(e) });
    }
  }, [client]);

  const reloadRules = useCallback(async () => {
    try {
      const [forwards, sessions] = await Promise.all([client.call('forward.list', {}), client.call('session.list')]);
      dispatch({ type: 'rules', forwards: forwards.forwards, sessions: sessions.sessions });
    } catch {
      // the next event or reconnect reloads again
    }
  }, [client]);

  useEffect(() => {
    let subscribed = false;
    const offs = [
      client.on('event.forward', (event) => {
        dispatch({ type: 'event.forward', event });
        // Rule fields (auto_connect, renames) are not in the snapshot: fetch the list again.
        if (event.type === 'added' || event.type === 'updated') void reloadRules();
      }),
      client.on('event.metrics', (event) => dispatch({ type: 'event.metrics', event })),
      client.on('event.ssh', (event) => dispatch({ type: 'event.ssh', event })),
    ];
    const onOpen = async (): Promise<void> => {
      // Subscribe once; after a reconnect the carrier renews the subscription itself.
      if (!subscribed) {
        subscribed = true;
        try {
          await client.call('events.subscribe', { types: ['ssh', 'forward', 'metrics', 'diagnose'] });
        } catch (e) {
          subscribed = false;
          dispatch({ type: 'load-failed', error: describeError(e) });
          return;
        }
      }
      await loadAll();
    };
    offs.push(
      carrier.onStatus((status) => {
        dispatch({ type: 'connection', status });
        if (status === 'open') void onOpen();
      }),
    );
    // The socket may have opened between the first render and this effect: catch up.
    dispatch({ type: 'connection', status: carrier.status });
    if (carrier.status === 'open') void onOpen();
    return () => {
      for (const off of offs) off();
    };
  }, [client, carrier, loadAll, reloadRules]);

  const actions = useMemo<WarrenActions>(() => {
    const hostOf = (name: string): string | undefined => stateRef.current.forwards.find((f) => f.name === name)?.host;

    async function start(name: string): Promise<void> {
      dispatch({ type: 'busy', name, busy: true });
      dispatch({ type: 'row-error', name });
      try {
        await client.call('forward.start', { name });
      } catch (e) {
        const prompt = e instanceof WarrenError ? promptForError(e.code, e.data, { retry: name, host: hostOf(name) }) : undefined;
        if (prompt) dispatch({ type: 'prompt', prompt });
        else dispatch({ type: 'row-error', name, error: describeError(e) });
      } finally {
        dispatch({ type: 'busy', name, busy: false });
      }
    }

    return {
      async reloadHosts() {
        const r = await client.call('host.reload');
        const hosts = await client.call('host.list');
        dispatch({ type: 'hosts', hosts: hosts.hosts });
        return r;
      },
      start,
      async stop(name) {
        dispatch({ type: 'busy', name, busy: true });
        try {
          await client.call('forward.stop', { name });
          dispatch({ type: 'row-error', name });
        } catch (e) {
          dispatch({ type: 'row-error', name, error: describeError(e) });
        } finally {
          dispatch({ type: 'busy', name, busy: false });
        }
      },
      async addForward(params) {
        const r = await client.call('forward.add', params);
        await reloadRules();
        return r.name;
      },
      async updateForward(params) {
        const r = await client.call('forward.update', params);
        await reloadRules();
        return r.name;
      },
      async startTunnel(params) {
        try {
          return (await client.call('conduit.start', params)).name;
        } finally {
          // A refused start may still have saved the tunnel (e.g. a router key mismatch): show it.
          await reloadRules();
        }
      },
      async connectInstance(params) {
        try {
          return await client.call('ec2.connect', params);
        } finally {
          // A connect that could not reach the instance still saved the forward: show it.
          await reloadRules();
        }
      },
      async deleteForward(name) {
        await client.call('forward.delete', { name });
        await reloadRules();
      },
      async saveConfig(params) {
        await client.call('config.update', params);
        dispatch({ type: 'config', config: await client.call('config.get') });
      },
      async trustHost() {
        const prompt = stateRef.current.prompt;
        if (prompt?.kind !== 'unknown-key') return;
        await client.call('host.trust', { host: prompt.info.host, fingerprint: prompt.info.fingerprint });
        dispatch({ type: 'prompt' });
        if (prompt.retry) return start(prompt.retry);
        // Trusted from an event: restart this host's forwards that failed on the key.
        for (const s of Object.values(stateRef.current.sessions))
          if (s.kind === 'ssh' && s.host === prompt.info.host && s.status === 'error') await start(s.name);
      },
      async unlockHost(passphrase) {
        const prompt = stateRef.current.prompt;
        if (prompt?.kind !== 'passphrase') return;
        await client.call('host.unlock', { host: prompt.host, passphrase });
        dispatch({ type: 'prompt' });
        if (prompt.retry) await start(prompt.retry);
      },
      dismissPrompt() {
        dispatch({ type: 'prompt' });
      },
    };
  }, [client, reloadRules]);

  return { state, actions };
}
