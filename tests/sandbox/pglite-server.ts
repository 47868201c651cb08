// The demo's embedded database as a Postgres server on loopback, so the app and the command line can use it at the
// same time. PGlite is one backend in one process: two processes opening the same data folder each keep their own
// buffers and overwrite each other's writes. Here the demo process owns the folder and every client speaks the
// Postgres wire protocol to it (postgres://…, as to a real server).
//
// One backend serves every connection, so a connection gets it for a whole unit of work: from its first message to
// the Sync (extended protocol) or Query (simple protocol) that leaves the backend idle, outside a transaction. A
// transaction therefore runs alone, and a pipeline of Parse/Bind/Execute is never cut by another client's.
// (@electric-sql/pglite-socket multiplexes message by message, and pins the peer dependency to another PGlite.)
// Session state (SET, prepared statements) is shared by all connections: fine for postgres.js, whose statement names
// are unique per connection. Demo only: no authentication, no TLS, loopback.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export interface PgliteServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A mutex handing the single backend to one connection at a time, in arrival order. */
function createBackendLock() {
  let owner: number | null = null;
  const waiting: Array<{ id: number; grant: () => void }> = [];
  return {
    owner: () => owner,
    async acquire(id: number): Promise<void> {
      if (owner === id) return;
      if (owner === null) {
        owner = id;
        return;
      }
      await new Promise<void>((grant) => waiting.push({ id, grant }));
    },
    release(id: number): void {
      if (owner !== id) return;
      const next = waiting.shift();
      owner = next ? next.id : null;
      next?.grant();
    },
    /** A connection that left while waiting. */
    forget(id: number): void {
      const i = waiting.findIndex((w) => w.id === id);
      if (i >= 0) waiting.splice(i, 1);
    },
  };
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstrings(...values: string[]): Buffer {
  return Buffer.concat(values.map((v) => Buffer.from(`${v}\0`, 'utf8')));
}

function handshake(connectionId: number): Buffer {
  const auth = Buffer.alloc(4); // AuthenticationOk
  const key = Buffer.alloc(8);
  key.writeInt32BE(connectionId, 0);
  key.writeInt32BE(0, 4);
  const parameters: Array<[string, string]> = [
    ['server_version', '17.5'],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['TimeZone', 'UTC'],
  ];
  return Buffer.concat([
    message('R', auth),
    ...parameters.map(([name, value]) => message('S', cstrings(name, value))),
    message('K', key),
    message('Z', Buffer.from('I')),
  ]);
}

export async function startPgliteServer(options: { db: PGlite; port?: number; host?: string; onError?: (error: unknown) => void }): Promise<PgliteServer> {
  const { db } = options;
  const lock = createBackendLock();
  const sockets = new Set<net.Socket>();
  let nextId = 1;

  const server = net.createServer((socket) => {
    const id = nextId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let chain = Promise.resolve();
    let closed = false;

    const leave = () => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      lock.forget(id);
      chain = chain.then(async () => {
        if (lock.owner() !== id) return;
        // A client that went away mid-transaction leaves nothing open for the next one.
        if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => {});
        lock.release(id);
      });
    };
    socket.on('close', leave);
    socket.on('error', leave);

    const run = async (msg: Buffer) => {
      if (closed) return;
      const type = String.fromCharCode(msg[0]!);
      if (type === 'X') {
        socket.end();
        leave();
        return;
      }
      await lock.acquire(id);
      if (closed) {
        if (!db.isInTransaction()) lock.release(id);
        return;
      }
      const reply = await db.runExclusive(() => db.execProtocolRaw(new Uint8Array(msg), { syncToFs: type === 'S' || type === 'Q' }));
      if (reply.length > 0 && socket.writable) socket.write(reply);
      if ((type === 'S' || type === 'Q') && !db.isInTransaction()) lock.release(id);
    };

    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST || code !== PROTOCOL_3) {
            socket.end();
            return;
          }
          started = true;
          socket.write(handshake(id));
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const msg = Buffer.from(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        chain = chain.then(() => run(msg)).catch((error: unknown) => {
          options.onError?.(error);
          socket.destroy();
          leave();
        });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
