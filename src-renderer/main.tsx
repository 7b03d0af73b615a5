// Entry: pick the carrier (Electron bridge or browser WebSocket) and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectWarren } from './api/connect.js';
import { App } from './app.js';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const connection = connectWarren(window);
root.render(
  <StrictMode>
    {connection.ok ? (
      <App client={connection.client} carrier={connection.carrier} />
    ) : (
      <div className="fatal" data-testid="no-token">
        {connection.error}
      </div>
    )}
  </StrictMode>,
);
