import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { SessionProvider } from './session.tsx';
import { startEmbedBridge } from './embed/bridge.ts';
import './app.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
// Embed frames talk to the host page (@looker/embed-sdk) over postMessage.
if (location.pathname.startsWith('/embed/')) startEmbedBridge();
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <App />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
