import { describe, expect, it } from 'vitest';
import { ActionStatus } from '../protocol/payloads.js';
import { answerHandshake } from './handshake.js';

const port = (props: Record<string, unknown>, sessionType = 'Port') => ({ ActionType: 'SessionType', ActionParameters: { SessionType: sessionType, Properties: props } });

describe('answerHandshake', () => {
  it('accepts a Port session and picks mux without keepalive for a current agent', () => {
    const o = answerHandshake({ AgentVersion: '3.3.2299.0', RequestedClientActions: [port({ type: 'LocalPortForwarding', portNumber: '80', localPortNumber: '0' })] });
    expect(o.failure).toBeUndefined();
    expect(o.actions).toEqual([{ ActionType: 'SessionType', ActionStatus: ActionStatus.Success, ActionResult: null, Error: '' }]);
    expect(o).toMatchObject({ mode: 'mux', keepAlive: false, agentVersion: '3.3.2299.0', properties: { portNumber: '80' } });
  });

  it('basic mode for agents up to 3.0.196.0 or a non-LocalPortForwarding type; keepalive up to 3.1.1511.0', () => {
    expect(answerHandshake({ AgentVersion: '3.0.196.0', RequestedClientActions: [port({ type: 'LocalPortForwarding', portNumber: '1' })] })).toMatchObject({ mode: 'basic', keepAlive: true });
    expect(answerHandshake({ AgentVersion: '3.1.1511.0', RequestedClientActions: [port({ type: 'LocalPortForwarding', portNumber: '1' })] })).toMatchObject({ mode: 'mux', keepAlive: true });
    expect(answerHandshake({ AgentVersion: '3.3.1.0', RequestedClientActions: [port({ type: 'Other', portNumber: '1' })] })).toMatchObject({ mode: 'basic' });
  });

  it('answers unknown actions Unsupported and still succeeds', () => {
    const o = answerHandshake({ AgentVersion: '3.3.1.0', RequestedClientActions: [{ ActionType: 'Mystery' }, port({ type: 'LocalPortForwarding', portNumber: '1' })] });
    expect(o.actions.map((a) => a.ActionStatus)).toEqual([ActionStatus.Unsupported, ActionStatus.Success]);
    expect(o.failure).toBeUndefined();
  });

  it('fails a non-Port session type and a request without any SessionType action', () => {
    const shell = answerHandshake({ AgentVersion: '3.3.1.0', RequestedClientActions: [port({}, 'Standard_Stream')] });
    expect(shell.actions[0]!.ActionStatus).toBe(ActionStatus.Failed);
    expect(shell.failure).toMatch(/not a port session/);
    expect(answerHandshake({ AgentVersion: '3.3.1.0', RequestedClientActions: [] }).failure).toMatch(/no SessionType action/);
  });
});
