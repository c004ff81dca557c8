import { defineConfig } from 'vite';

// Preact's JSX through esbuild's automatic runtime: no framework plugin needed.
export default defineConfig({
  esbuild: {
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
  build: {
    // nubed serves these files from the folder beside nubed.dll (git-ignored; the csproj carries it).
    outDir: '../src/Nube.Service/wwwroot',
    emptyOutDir: true,
    // noVNC awaits at its module's top level (its H.264 decoder probe).
    target: 'es2022',
    // The preload polyfill would be inline script, which the Content-Security-Policy forbids.
    modulePreload: { polyfill: false },
    // xterm.js and noVNC load only with the console page.
    chunkSizeWarningLimit: 600,
  },
});
