// The sandboxed preload: exposes exactly one object, `window.warren`, and nothing of Node or
// ipcRenderer itself. Bundled to CommonJS by scripts-build-preload.mjs, because sandboxed preloads
// cannot load ES modules or anything but `electron` (and a few polyfilled modules).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_NOTIFICATION_CHANNEL, type BridgeEnvelope, type WarrenBridge } from '../../src-shared/api/bridge.js';

const bridge: WarrenBridge = {
  call(method: string, params: unknown): Promise<BridgeEnvelope> {
    // Only the two fields the main side accepts; the main side validates them again.
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, params === undefined ? { method } : { method, params }) as Promise<BridgeEnvelope>;
  },
  onNotification(listener: (method: string, params: unknown) => void): () => void {
    // Wrap so the page never sees the IpcRendererEvent (it carries `sender`, i.e. ipcRenderer).
    const wrapped = (_event: IpcRendererEvent, method: unknown, params: unknown): void => {
      if (typeof method === 'string') listener(method, params);
    };
    ipcRenderer.on(IPC_NOTIFICATION_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_NOTIFICATION_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('warren', bridge);
