import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { brotliCompress, constants } from 'node:zlib';

/**
 * The build's scripts and style sheets in brotli for browsers that accept it (every browser on HTTPS, which is how
 * BigCommerce loads the app). Next compresses what it serves with gzip only; brotli at its highest quality makes the
 * JavaScript of an embedded page about 13% smaller (README, Performance). The files under `_next/static` never change
 * for a build (their names carry their content's hash), so each is compressed once, on its first request, and kept in
 * memory (the whole folder is about 1 MB compressed): all of them in the background when the server starts, and any
 * other on its first request. Anything else, and a browser that does not accept brotli, is left to Next, which answers
 * as before (gzip).
 */
const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
};
const PREFIX = '/_next/static/';

/** Whether an Accept-Encoding header accepts brotli: `br` listed without `q=0` (RFC 9110 §12.5.3). */
export function acceptsBrotli(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'br') return false;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export interface BrotliStatic {
  /** Answers the request in brotli and returns true, or returns false, untouched, for Next to answer. */
  serve: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Compresses every script and style sheet of the folder, one at a time, so the first visitors get brotli too. */
  warm: () => Promise<number>;
}

/**
 * Brotli for the files of `staticDir` (the build's `static` folder), served under `/_next/static/`. A file is answered
 * in brotli once its compressed copy is ready; until then (the first request of a file the warm-up has not reached) Next
 * answers it in gzip, so no request waits for brotli's highest quality (about 0.3 s of CPU for React's 230 KB chunk).
 */
export function createBrotliStatic(staticDir: string): BrotliStatic {
  const root = path.resolve(staticDir);
  const ready = new Map<string, Buffer>();
  const pending = new Map<string, Promise<void>>();

  const compress = (file: string): Promise<void> => {
    let entry = pending.get(file);
    if (!entry) {
      entry = (async () => {
        const info = await stat(file).catch(() => null);
        if (!info?.isFile()) return;
        const body = await readFile(file);
        const out = await new Promise<Buffer>((resolve, reject) =>
          brotliCompress(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }, (error, result) =>
            error ? reject(error) : resolve(result),
          ),
        );
        ready.set(file, out);
      })()
        .catch(() => {})
        // A file that was not there (yet) is looked for again on its next request.
        .finally(() => pending.delete(file));
      pending.set(file, entry);
    }
    return entry;
  };

  const serve = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = (req.url ?? '').split('?')[0]!;
    if (!pathname.startsWith(PREFIX) || !acceptsBrotli(req.headers['accept-encoding'])) return false;
    const type = TYPES[path.extname(pathname)];
    if (!type) return false;
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(PREFIX.length));
    } catch {
      return false;
    }
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep) || relative.includes('\0')) return false;
    const body = ready.get(file);
    if (!body) {
      void compress(file);
      return false;
    }
    res.writeHead(200, {
      'content-type': type,
      'content-encoding': 'br',
      'content-length': body.length,
      // As Next sends for these files: their names change with their content.
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'Accept-Encoding',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };

  const warm = async (): Promise<number> => {
    const files = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    let count = 0;
    for (const entry of files) {
      if (!entry.isFile() || !TYPES[path.extname(entry.name)]) continue;
      await compress(path.join(entry.parentPath, entry.name));
      count += 1;
    }
    return count;
  };

  return { serve, warm };
}
