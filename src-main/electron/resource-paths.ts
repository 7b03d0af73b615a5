// Where the app's files are, packaged or not. electron-builder copies resources/ to
// <resourcesPath>/resources (extraResources); in development they sit in the repository.
import { app } from 'electron';
import path from 'node:path';

export interface AppLocations {
  /** dist/renderer/index.html */
  rendererIndex: string;
  rendererDir: string;
  /** dist/src-main/electron/preload.cjs (built by scripts-build-preload.mjs) */
  preload: string;
  resources: string;
  appIcon: string;
}

export function appLocations(): AppLocations {
  const root = app.getAppPath();
  const rendererDir = path.join(root, 'dist', 'renderer');
  const resources = app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(root, 'resources');
  return {
    rendererIndex: path.join(rendererDir, 'index.html'),
    rendererDir,
    preload: path.join(root, 'dist', 'src-main', 'electron', 'preload.cjs'),
    resources,
    appIcon: path.join(resources, 'icon.png'),
  };
}
