import net from 'node:net';

/**
 * Raw HTTP/1.1 for attacks a fetch() cannot make: a chunked body streamed as fast as the server takes it, or one that
 * trickles. Reports what the server answered, how many body bytes the client got onto the wire before the server
 * stopped taking them, and when the connection closed.
 */
export interface RawOutcome {
  /** The status line's code, or null when the connection closed without an answer. */
  status: number | null;
  /** The answer as received (headers and body). */
  response: string;
  /** Body bytes (chunk payloads) the socket accepted. */
  bodyBytesSent: number;
  /** From the end of the headers to the close of the connection. */
  closedAfterMs: number;
}

interface RawRequest {
  url: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Sends `total` bytes in chunks of `chunk` bytes as fast as the server reads them... */
  flood?: { total: number; chunk: number };
  /** ...or one byte every `everyMs`, for at most `forMs`... */
  trickle?: { everyMs: number; forMs: number };
  /** ...or these pieces as chunks, `gapMs` apart, then the end of the body. */
  pieces?: { data: Uint8Array[]; gapMs: number };
  /** Give up after this long (the test fails on the outcome, not on a hang). */
  timeoutMs?: number;
}

export function rawRequest(request: RawRequest): Promise<RawOutcome> {
  const { hostname, port } = new URL(request.url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let response = '';
    let sent = 0;
    let closed = false;
    let startedAt = Date.now();
    // A body sent whole is answered and the connection closed after it; the others must be closed by the server.
    const headers = { host: `${hostname}:${port}`, 'transfer-encoding': 'chunked', ...(request.pieces ? { connection: 'close' } : {}), ...request.headers };
    const done = () => {
      if (closed) return;
      closed = true;
      clearTimeout(giveUp);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
      resolve({ status: match ? Number(match[1]) : null, response, bodyBytesSent: sent, closedAfterMs: Date.now() - startedAt });
      socket.destroy();
    };
    const giveUp = setTimeout(done, request.timeoutMs ?? 30_000);
    socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.on('end', done);
    socket.on('connect', () => {
      // An empty value leaves the header out (to send Content-Length instead of chunked).
      const head = `${request.method ?? 'POST'} ${request.path} HTTP/1.1\r\n${Object.entries(headers)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`;
      socket.write(head);
      startedAt = Date.now();
      if (request.flood) void flood(request.flood);
      else if (request.trickle) void trickle(request.trickle);
      else if (request.pieces) void pieces(request.pieces);
    });
    const write = (data: Buffer | string, payload: number) =>
      new Promise<boolean>((ok) => {
        if (closed || socket.destroyed) return ok(false);
        socket.write(data, (error) => {
          if (!error) sent += payload;
          ok(!error);
        });
      });
    async function flood({ total, chunk }: { total: number; chunk: number }) {
      const piece = Buffer.concat([Buffer.from(`${chunk.toString(16)}\r\n`), Buffer.alloc(chunk, 0x7b), Buffer.from('\r\n')]);
      for (let at = 0; at < total && !closed && response === ''; at += chunk) {
        if (!(await write(piece, chunk))) return;
      }
      if (!closed) socket.write('0\r\n\r\n');
    }
    async function pieces({ data, gapMs }: { data: Uint8Array[]; gapMs: number }) {
      for (const piece of data) {
        if (piece.length === 0) continue;
        const framed = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
        if (!(await write(framed, piece.length))) return;
        await new Promise((r) => setTimeout(r, gapMs));
      }
      if (!closed) socket.write('0\r\n\r\n');
    }
    async function trickle({ everyMs, forMs }: { everyMs: number; forMs: number }) {
      const until = Date.now() + forMs;
      while (!closed && response === '' && Date.now() < until) {
        if (!(await write('1\r\n{\r\n', 1))) return;
        await new Promise((r) => setTimeout(r, everyMs));
      }
    }
  });
}
