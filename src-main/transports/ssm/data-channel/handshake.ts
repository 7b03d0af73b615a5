// The client's half of the port-session handshake (notes §4): answer every action the agent asks
// for, learn its version and the document's port properties, and pick basic or mux mode from them.
// Pure, so the rules are tested apart from any socket.
import { ActionStatus, ActionType, parseSessionTypeParameters, processedAction, type HandshakeRequest, type PortProperties, type ProcessedClientAction } from '../protocol/payloads.js';
import { SsmProtocolError } from '../protocol/client-message.js';
import { clientDisablesKeepalive, useMux } from '../protocol/versions.js';

export type DataChannelMode = 'mux' | 'basic';

export interface HandshakeOutcome {
  /** What goes back in the HandshakeResponse, one entry per requested action, in order. */
  actions: ProcessedClientAction[];
  /** Set when an action failed: the agent cancels the session, and so do we. */
  failure?: string;
  agentVersion: string;
  /** Present when a SessionType "Port" action was answered Success. */
  properties?: PortProperties;
  mode: DataChannelMode;
  /** smux keepalive on our side (mux mode only): must match the agent's choice (notes §6). */
  keepAlive: boolean;
}

export function answerHandshake(req: HandshakeRequest): HandshakeOutcome {
  const actions: ProcessedClientAction[] = [];
  let properties: PortProperties | undefined;
  let failure: string | undefined;
  for (const action of req.RequestedClientActions) {
    if (action.ActionType !== ActionType.SessionType) {
      // KMSEncryption never comes for Port sessions (§7); anything else we do not know either.
      actions.push(processedAction(action.ActionType, ActionStatus.Unsupported, `${action.ActionType} is not supported by this client`));
      continue;
    }
    try {
      const p = parseSessionTypeParameters(action.ActionParameters);
      if (p.SessionType !== 'Port') {
        const msg = `session type ${JSON.stringify(p.SessionType)} is not a port session`;
        actions.push(processedAction(action.ActionType, ActionStatus.Failed, msg));
        failure ??= msg;
        continue;
      }
      properties = p.Properties;
      actions.push(processedAction(action.ActionType, ActionStatus.Success));
    } catch (e) {
      const msg = e instanceof SsmProtocolError ? e.message : String(e);
      actions.push(processedAction(action.ActionType, ActionStatus.Failed, msg));
      failure ??= msg;
    }
  }
  if (!failure && !properties) failure = 'the agent asked for no SessionType action, so this is not a port session';
  const mode: DataChannelMode = useMux(properties?.type, req.AgentVersion) ? 'mux' : 'basic';
  const outcome: HandshakeOutcome = { actions, agentVersion: req.AgentVersion, mode, keepAlive: !clientDisablesKeepalive(req.AgentVersion) };
  if (properties) outcome.properties = properties;
  if (failure) outcome.failure = failure;
  return outcome;
}
