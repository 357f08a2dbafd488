/**
 * Test scaffolding for the renderer: a tiny HTTP server standing in for the web UI's render pages
 * (they follow the same contract: tiles carry `data-overlook-tile-state`, the body gets
 * `data-overlook-ready="true"` or `data-overlook-error`), plus helpers to inspect PNG/JPEG/PDF
 * output and to find (and kill) the browser this process launched.
 *
 * Page behaviour by the id in `/render/<kind>/<id>`: `slow-<ms>` is ready after that long,
 * `never` never finishes (one of three tiles done), `error` reports a page error, anything else is
 * ready after 20 ms; an error page with id `alert` also shows `<kind> alert not found.` in a `role=alert` element. Every page prints `MARKER <kind> <id>` and the query string it got.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';

export interface PageHit {
  readonly path: string;
  readonly cookies: Readonly<Record<string, string>>;
}

export interface TestPages {
  readonly url: string;
  readonly hits: PageHit[];
  /** Pages open right now (between the request and the page's ready signal). */
  readonly open: () => number;
  readonly maxOpen: () => number;
  /** Called with each page request: return a message to make the page report an error. */
  check: ((hit: PageHit) => Promise<string | null>) | null;
  close(): Promise<void>;
}

function cookiesOf(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(kind: string, id: string, query: string, error: string | null): string {
  const slow = /^slow-(\d+)$/.exec(id);
  const delay = id === 'never' ? -1 : slow ? Number(slow[1]) : 20;
  const rows = Array.from({ length: 12 }, (_, i) => `<tr><td>row ${i + 1}</td><td>${(i + 1) * 7}</td></tr>`).join('');
  const script = error !== null
    ? `document.body.dataset.overlookError = ${JSON.stringify(error)};`
    : delay < 0
      ? `fetch('/ping/' + ${JSON.stringify(id)}).catch(() => {});`
      : `setTimeout(() => {
          document.querySelectorAll('[data-overlook-tile-state]').forEach((t) => t.setAttribute('data-overlook-tile-state', 'done'));
          fetch('/ready/' + ${JSON.stringify(id)}).finally(() => { document.body.dataset.overlookReady = 'true'; });
        }, ${delay});`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>render</title>
<style>body{font-family:'Liberation Sans',sans-serif;margin:0;background:#fff} .tile{border:1px solid #999;margin:8px;padding:8px;background:#e8f0ff}</style></head>
<body>${error !== null && id === 'alert' ? `<p role="alert">${escape(kind.replace(/s$/, ''))} ${escape(id)} not found.</p>` : ''}<h1>MARKER ${escape(kind)} ${escape(id)}</h1><p id="query">QUERY ${escape(query)}</p>
<div class="tile" data-overlook-tile-state="done">Tile one</div>
<div class="tile" data-overlook-tile-state="running">Tile two<table>${rows}</table></div>
<div class="tile" data-overlook-tile-state="running">Tile three</div>
<script>${script}</script></body></html>`;
}

export async function startTestPages(): Promise<TestPages> {
  const hits: PageHit[] = [];
  let open = 0;
  let maxOpen = 0;
  let pages: TestPages | null = null;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://x');
      const match = /^\/render\/(dashboards|dashboard_elements|looks|queries)\/([^/]+)$/.exec(url.pathname);
      if (url.pathname.startsWith('/ready/')) {
        open = Math.max(0, open - 1);
        response.writeHead(204).end();
        return;
      }
      if (url.pathname.startsWith('/ping/')) {
        response.writeHead(204).end();
        return;
      }
      if (!match) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not found"}');
        return;
      }
      const hit: PageHit = { path: url.pathname + url.search, cookies: cookiesOf(request) };
      hits.push(hit);
      const check = pages?.check ?? null;
      const error = check ? await check(hit) : null;
      const id = decodeURIComponent(match[2] ?? '');
      if (error === null && id !== 'never') {
        open++;
        maxOpen = Math.max(maxOpen, open);
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(match[1] ?? '', id, url.search, error));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  pages = {
    url: `http://127.0.0.1:${address.port}`, hits, open: () => open, maxOpen: () => maxOpen, check: null,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
  return pages;
}

/** Width and height of a PNG (from its IHDR chunk); throws when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The colour of a PNG's top-left pixel as `#rrggbb` (8-bit RGB or RGBA, as Chromium writes them).
 * Every PNG row filter predicts that one pixel from zeros, so its bytes are stored as they are.
 */
export function pngTopLeft(bytes: Buffer): string {
  pngSize(bytes);
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6)) throw new Error(`PNG of bit depth ${String(bitDepth)} and colour type ${String(colorType)}`);
  const data: Buffer[] = [];
  for (let i = 8; i + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(i);
    if (bytes.toString('latin1', i + 4, i + 8) === 'IDAT') data.push(bytes.subarray(i + 8, i + 8 + length));
    i += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  return `#${[raw[1], raw[2], raw[3]].map((b) => (b ?? 0).toString(16).padStart(2, '0')).join('')}`;
}

/** Width and height of a JPEG (from its first SOF marker); throws when the bytes are not a JPEG. */
export function jpegSize(bytes: Buffer): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG');
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error('corrupt JPEG');
    const marker = bytes[i + 1] ?? 0;
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error('JPEG without a frame header');
}

/** The text of a PDF (poppler's `pdftotext`, layout kept). */
export function pdfText(bytes: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes }).toString('utf8');
}

/** Page count and first page size in points (poppler's `pdfinfo`). */
export function pdfInfo(bytes: Buffer): { pages: number; width: number; height: number } {
  const text = execFileSync('pdfinfo', ['-'], { input: bytes }).toString('utf8');
  const pages = /^Pages:\s+(\d+)/m.exec(text);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+)/m.exec(text);
  if (!pages || !size) throw new Error(`pdfinfo: ${text}`);
  return { pages: Number(pages[1]), width: Number(size[1]), height: Number(size[2]) };
}

/** Browser processes this process launched (direct children running `executable`). */
export function browserPids(executable: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/s.exec(stat)?.[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] === executable) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}
