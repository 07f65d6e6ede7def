// The dashboard page's static files, read once at start. They live in src/server/dash/public/;
// from the esbuild bundle (dist/coop-server.js) that folder is found relative to the package.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/dash.js': 'dash.js',
  '/dash.css': 'dash.css',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

function publicDir(): string {
  const candidates = [
    fileURLToPath(new URL('./public', import.meta.url)), // running from src/ (tsx)
    fileURLToPath(new URL('../src/server/dash/public', import.meta.url)), // running from dist/
  ];
  const dir = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!dir) throw new Error(`dashboard files not found (looked in ${candidates.join(', ')})`);
  return dir;
}

/** url path → file, for the fixed set of page files. */
export function loadStaticFiles(): Map<string, StaticFile> {
  const dir = publicDir();
  const out = new Map<string, StaticFile>();
  for (const [route, name] of Object.entries(FILES)) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    out.set(route, { body: readFileSync(join(dir, name)), type: TYPES[ext] });
  }
  return out;
}
