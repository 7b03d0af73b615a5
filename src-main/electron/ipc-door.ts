// The IPC door: the renderer's `window.warren.call` lands here. Like VS Code's ipcMain wrapper, a
// call is served only when it comes from the main frame of one of OUR windows showing OUR renderer
// URL; the payload is zod-checked, then goes through the same dispatcher as every other door.
// Results and errors go back as envelopes because thrown errors lose code/data across IPC.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { randomUUID } from 'node:crypto';
import { ErrorCode, IPC_CALL_CHANNEL, IPC_NOTIFICATION_CHANNEL, isMethodName, type BridgeEnvelope } from '../../src-shared/api/index.js';
import type { ClientContext, Dispatcher } from '../api/dispatcher.js';
import { errorEnvelope, isTrustedRendererUrl, parseIpcPayload, resultEnvelope, type TrustedOrigins } from './ipc-guard.js';

export interface IpcDoorOptions {
  dispatcher: Dispatcher;
  trusted: TrustedOrigins;
  /** Is this webContents one of the windows we created? (main.ts keeps that list) */
  isOurWebContents(contents: WebContents): boolean;
  log?: { warn(obj: Record<string, unknown>, msg: string): void };
}

export interface IpcDoor {
  dispose(): void;
}

export function openIpcDoor(options: IpcDoorOptions): IpcDoor {
  const { dispatcher } = options;
  // One ClientContext per webContents: subscriptions belong to a window and end with it.
  const contexts = new Map<number, ClientContext>();

  const contextFor = (contents: WebContents): ClientContext => {
    const existing = contexts.get(contents.id);
    if (existing) return existing;
    const ctx: ClientContext = {
      clientId: `ipc-${contents.id}-${randomUUID()}`,
      door: 'ipc',
      notify(name, payload) {
        try {
          if (!contents.isDestroyed()) contents.send(IPC_NOTIFICATION_CHANNEL, name, payload);
        } catch {
          // a window closing mid-send must not break delivery to other clients
        }
      },
    };
    contexts.set(contents.id, ctx);
    dispatcher.attachClient(ctx.clientId);
    contents.once('destroyed', () => {
      contexts.delete(contents.id);
      dispatcher.releaseClient(ctx.clientId);
    });
    return ctx;
  };

  const senderProblem = (event: IpcMainInvokeEvent): string | undefined => {
    const frame = event.senderFrame;
    if (!frame) return 'sender frame is gone';
    if (!options.isOurWebContents(event.sender)) return 'sender is not a Warren window';
    // A frame without a parent is a main frame; an iframe (even one on a trusted URL) is refused.
    if (frame.parent !== null) return 'sender is not the main frame';
    if (!isTrustedRendererUrl(frame.url, options.trusted)) return `sender URL is not Warren's renderer: ${frame.url}`;
    return undefined;
  };

  const handle = async (event: IpcMainInvokeEvent, raw: unknown): Promise<BridgeEnvelope> => {
    const problem = senderProblem(event);
    if (problem) {
      options.log?.warn({ problem }, 'refused an IPC call');
      return errorEnvelope({ code: ErrorCode.InvalidRequest, message: `IPC call refused: ${problem}` });
    }
    const check = parseIpcPayload(raw);
    if (!check.ok) return check.envelope;
    const { method, params } = check.payload;
    if (!isMethodName(method)) return errorEnvelope({ code: ErrorCode.MethodNotFound, message: `method not found: ${method}` });
    try {
      return resultEnvelope(await dispatcher.call(method, params ?? {}, contextFor(event.sender)));
    } catch (e) {
      return errorEnvelope(dispatcher.toRpcError(e, method));
    }
  };

  ipcMain.handle(IPC_CALL_CHANNEL, handle);
  return {
    dispose() {
      ipcMain.removeHandler(IPC_CALL_CHANNEL);
      for (const ctx of contexts.values()) dispatcher.releaseClient(ctx.clientId);
      contexts.clear();
    },
  };
}
