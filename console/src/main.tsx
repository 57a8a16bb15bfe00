import '@cloudscape-design/global-styles/index.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadConfig } from './config.ts';

const root = createRoot(document.getElementById('root')!);
loadConfig().then(
  () =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  (error: Error) => {
    document.getElementById('root')!.textContent = error.message;
  },
);
