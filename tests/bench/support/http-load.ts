// A small HTTP/1.1 load generator on raw keep-alive sockets, for benchmarks on a machine whose cores the server under
// test shares: Node's http client spends several times the CPU of the server's own parsing per request, so with it
// the generator, not the server, would be measured. One request in flight per connection (no pipelining).
//
// Closed loop: every connection sends its next request as soon as the answer arrives (the sustained maximum).
// Open loop: requests are due at a fixed rate whatever the server does; a request waits for a free connection if
// none is idle, and its latency counts from when it was due (so a stalled server shows in the percentiles instead
// of silently lowering the offered load: no coordinated omission).
import net from 'node:net';

export interface LoadRequest {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  sent: number;
  /** Answers with a 2xx status. */
  ok: number;
  /** Answers by status (0: the connection failed before an answer). */
  statuses: Record<number, number>;
  wallMs: number;
  /** Latencies of the 2xx answers, sorted, in milliseconds. */
  latencies: Float64Array;
}

interface Conn {
  socket: net.Socket;
  buffer: Buffer;
  /** The server closed it (an idle keep-alive timeout, or an error). */
  closed: boolean;
  resolve: ((status: number) => void) | null;
}

function encode(request: LoadRequest, host: string): Buffer {
  const body = request.body ?? '';
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

/** Index just past a complete response in `buffer`, and its status; null while more bytes are needed. */
function completeResponse(buffer: Buffer): { end: number; status: number } | null {
  const headerEnd = buffer.indexOf('\r\n\r\n');
  if (headerEnd < 0) return null;
  const head = buffer.subarray(0, headerEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const bodyStart = headerEnd + 4;
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buffer.length >= end ? { end, status } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      const next = lineEnd + 2 + size + 2;
      if (buffer.length < next) return null;
      if (size === 0) return { end: next, status };
      at = next;
    }
  }
  return { end: bodyStart, status };
}

async function openConnections(port: number, count: number): Promise<Conn[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Conn>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
          const conn: Conn = { socket, buffer: Buffer.alloc(0), closed: false, resolve: null };
          socket.once('connect', () => resolve(conn));
          socket.once('error', reject);
          socket.on('data', (chunk: Buffer) => {
            conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
            const response = completeResponse(conn.buffer);
            if (!response) return;
            conn.buffer = conn.buffer.subarray(response.end);
            const done = conn.resolve;
            conn.resolve = null;
            done?.(response.status);
          });
          socket.on('close', () => {
            conn.closed = true;
            const done = conn.resolve;
            conn.resolve = null;
            done?.(0);
          });
        }),
    ),
  );
}

function send(conn: Conn, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    if (conn.socket.destroyed) return resolve(0);
    conn.resolve = resolve;
    conn.socket.write(bytes);
  });
}

/** Answers by status and the latencies of the 2xx ones, as they come. */
function tally() {
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  return {
    add(status: number, since: number) {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) latencies.push(performance.now() - since);
    },
    result(sent: number, wallMs: number): LoadResult {
      const ok = Object.entries(statuses).reduce((n, [s, c]) => (Number(s) >= 200 && Number(s) < 300 ? n + c : n), 0);
      return { sent, ok, statuses, wallMs, latencies: Float64Array.from(latencies).sort() };
    },
  };
}

/** Sends requests from `next()` on `connections` sockets, each as soon as the previous answer arrived. */
export async function closedLoop(options: {
  port: number;
  connections: number;
  durationMs: number;
  next: () => LoadRequest;
}): Promise<LoadResult> {
  const conns = await openConnections(options.port, options.connections);
  const host = `127.0.0.1:${options.port}`;
  const answers = tally();
  let sent = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    conns.map(async (conn) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        sent += 1;
        const status = await send(conn, encode(options.next(), host));
        answers.add(status, t);
        if (status === 0) break;
      }
    }),
  );
  const wallMs = performance.now() - started;
  for (const conn of conns) conn.socket.destroy();
  return answers.result(sent, wallMs);
}

/** Offers `rate` requests a second for `durationMs`, on up to `connections` sockets. */
export async function openLoop(options: {
  port: number;
  connections: number;
  rate: number;
  durationMs: number;
  next: () => LoadRequest;
}): Promise<LoadResult> {
  const conns = await openConnections(options.port, options.connections);
  const host = `127.0.0.1:${options.port}`;
  const answers = tally();
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const interval = 1000 / options.rate;
  const started = performance.now();
  let scheduled = 0;
  let answered = 0;
  const waiting: number[] = [];
  const idle = [...conns];

  return new Promise<LoadResult>((resolve) => {
    const finish = () => {
      clearInterval(ticker);
      const wallMs = performance.now() - started;
      for (const conn of conns) conn.socket.destroy();
      resolve(answers.result(scheduled, wallMs));
    };
    // A connection the server closed while idle is replaced; the request waits for the new one.
    const replace = () =>
      void openConnections(options.port, 1).then(
        ([fresh]) => {
          conns.push(fresh!);
          idle.push(fresh!);
          dispatch();
        },
        () => undefined,
      );
    const dispatch = () => {
      while (waiting.length > 0 && idle.length > 0) {
        // Least recently used first, so every connection stays busy and none reaches the server's idle timeout.
        const conn = idle.shift()!;
        if (conn.closed) {
          replace();
          continue;
        }
        const due = waiting.shift()!;
        void send(conn, encode(options.next(), host)).then((status) => {
          answers.add(status, due);
          answered += 1;
          if (answered === total) return finish();
          if (status === 0) replace();
          else idle.push(conn);
          dispatch();
        });
      }
    };
    const ticker = setInterval(() => {
      const now = performance.now();
      while (scheduled < total && started + scheduled * interval <= now) waiting.push(started + scheduled++ * interval);
      dispatch();
    }, 1);
  });
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
