/**
 * One TCP port for HTTP/1.1 (curl, the AWS CLI, most SDK clients) and HTTP/2 with prior
 * knowledge (h2c: the Kinesis client's default handler). The first bytes decide: the
 * HTTP/2 connection preface starts with `PRI`, which no HTTP/1.1 method does.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';

/** The part of a request/response pair both HTTP versions' compatibility APIs share. */
export interface HttpExchange {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body(limitBytes: number): Promise<Buffer>;
  respond(status: number, headers: Record<string, string>, body: string): void;
}

const WINDOW_BYTES = 16 * 1024 * 1024;

export type ExchangeHandler = (exchange: HttpExchange) => Promise<void>;

export class BodyTooLargeError extends Error {}

function readBody(stream: http.IncomingMessage | http2.Http2ServerRequest, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLargeError(`Request body exceeds ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function exchangeOf(
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
): HttpExchange {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    body: (limit) => readBody(req, limit),
    respond: (status, headers, body) => {
      if (res.headersSent) return;
      const payload = Buffer.from(body, 'utf8');
      res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
      res.end(payload);
    },
  };
}

/**
 * A stream that yields the already-read preface first and then relays the socket both
 * ways; needed because the http2 server reads a socket's native handle, so bytes put
 * back with `unshift` would never reach it.
 */
function relayWithPrefix(socket: net.Socket, prefix: Buffer): Duplex {
  const relay = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  relay.push(prefix);
  socket.on('data', (chunk: Buffer) => {
    if (!relay.push(chunk)) socket.pause();
  });
  socket.on('end', () => relay.push(null));
  socket.on('error', (err) => relay.destroy(err));
  socket.on('close', () => relay.destroy());
  return relay;
}

export interface DualProtocolServer {
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createDualProtocolServer(handler: ExchangeHandler): DualProtocolServer {
  const onRequest = (
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: http.ServerResponse | http2.Http2ServerResponse,
  ): void => {
    handler(exchangeOf(req, res)).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
    });
  };
  const h1 = http.createServer({ keepAliveTimeout: 60_000 }, onRequest);
  // Large windows let a 5 MiB PutRecords arrive without a round trip per 64 KiB.
  const h2 = http2.createServer({ maxSessionMemory: 64, settings: { initialWindowSize: WINDOW_BYTES } }, onRequest);
  h2.on('session', (session) => {
    session.once('localSettings', () => session.setLocalWindowSize(WINDOW_BYTES));
  });
  const sockets = new Set<net.Socket>();

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Small frames (WINDOW_UPDATE, short JSON answers) must not wait for Nagle's timer.
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const onFirstData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      // Three bytes tell `PRI` from every HTTP/1.1 method.
      if (head.length < 3) return;
      socket.off('data', onFirstData);
      socket.pause();
      if (head.subarray(0, 3).toString('latin1') === 'PRI') {
        h2.emit('connection', relayWithPrefix(socket, head));
      } else {
        socket.unshift(head);
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onFirstData);
  });

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => {
          tcp.off('error', reject);
          resolve((tcp.address() as net.AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        tcp.close(() => resolve());
        h1.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
