/**
 * The chaos proxy itself: a reliability run is only as trustworthy as the damage it claims to
 * do, so each kind of damage (and the lack of it with chaos off) is checked here on its own.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { startChaosProxy, type ChaosProxy } from './chaos-proxy.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback TCP server; `onConnection` decides what it does with each connection. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

async function proxyTo(target: string, options: Partial<Parameters<typeof startChaosProxy>[0]> = {}): Promise<ChaosProxy> {
  const proxy = await startChaosProxy({ target, ...options });
  cleanups.push(() => proxy.close());
  return proxy;
}

/** Connects to the proxy; resolves with everything received until the connection closed, and how it closed. */
function client(proxy: ChaosProxy): { socket: Socket; done: Promise<{ data: string; error: boolean }> } {
  const { port } = new URL(proxy.url);
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  let data = '';
  let error = false;
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  socket.on('error', () => (error = true));
  const done = new Promise<{ data: string; error: boolean }>((resolve) => socket.on('close', () => resolve({ data, error })));
  cleanups.push(() => void socket.destroy());
  return { socket, done };
}

function untilData(socket: Socket, expected: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${expected}", got "${data}"`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString();
      if (data.includes(expected)) {
        clearTimeout(timer);
        resolve(data);
      }
    });
  });
}

describe('chaos proxy', () => {
  it('passes bytes both ways unchanged while chaos is off', async () => {
    const echo = await tcpServer((socket) => socket.pipe(socket));
    const proxy = await proxyTo(echo.url);
    const { socket } = client(proxy);
    const payload = 'x'.repeat(200_000) + 'END';
    const received = untilData(socket, 'END');
    socket.write(payload);
    assert.equal(await received, payload);
    assert.deepEqual(proxy.stats(), { connections: 1, cuts: 0, bytesDropped: 0, refusedUpgrades: 0, open: 1 });
  });

  it('holds server bytes while chaos is on and still delivers them, in order, when the server ends in order', async () => {
    const server = await tcpServer((socket) => {
      socket.write('one,');
      setTimeout(() => socket.end('two'), 20);
    });
    const proxy = await proxyTo(server.url, { chaos: true, holdMs: 150, cutAfterMs: [5000, 5000] });
    const started = Date.now();
    const { data, error } = await client(proxy).done;
    assert.equal(data, 'one,two');
    assert.equal(error, false);
    assert.ok(Date.now() - started >= 140, 'the bytes were held');
    assert.equal(proxy.stats().cuts, 0);
  });

  it('cuts a connection during chaos, and the bytes it was holding are lost', async () => {
    let serverSide: Socket | undefined;
    const server = await tcpServer((socket) => {
      serverSide = socket;
      socket.write('lost in flight');
    });
    const proxy = await proxyTo(server.url, { chaos: true, holdMs: 1000, cutAfterMs: [100, 100] });
    const { data } = await client(proxy).done;
    assert.equal(data, '', 'nothing held reached the client');
    assert.ok(serverSide);
    if (!serverSide.destroyed) await once(serverSide, 'close');
    assert.deepEqual(proxy.stats(), { connections: 1, cuts: 1, bytesDropped: 'lost in flight'.length, refusedUpgrades: 0, open: 0 });
  });

  it('arms cuts on connections that were open before chaos started, and disarms them when it stops', async () => {
    const server = await tcpServer((socket) => socket.pipe(socket));
    const proxy = await proxyTo(server.url, { cutAfterMs: [50, 50] });
    const first = client(proxy);
    await untilData((first.socket.write('a'), first.socket), 'a');
    proxy.setChaos(true);
    await first.done;
    proxy.setChaos(false);
    const second = client(proxy);
    await untilData((second.socket.write('b'), second.socket), 'b');
    // Longer than the cut window: a connection made with chaos off is not cut.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(second.socket.destroyed, false);
    assert.equal(proxy.stats().cuts, 1);
  });

  it('refuses WebSocket upgrades with 400 when asked to, and lets other HTTP requests through', async () => {
    const server = await tcpServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    });
    const proxy = await proxyTo(server.url, { refuseWebSocket: true });
    const upgrade = client(proxy);
    upgrade.socket.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    const refused = await upgrade.done;
    assert.match(refused.data, /^HTTP\/1\.1 400 /);
    const plain = client(proxy);
    plain.socket.write('GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match((await plain.done).data, /^HTTP\/1\.1 200 OK[\s\S]*ok$/);
    assert.equal(proxy.stats().refusedUpgrades, 1);
    assert.equal(server.server.listening, true);
  });

  it('close() ends every proxied connection and stops listening', async () => {
    const server = await tcpServer((socket) => socket.pipe(socket));
    const proxy = await startChaosProxy({ target: server.url });
    const open = client(proxy);
    await untilData((open.socket.write('hi'), open.socket), 'hi');
    const upstreamClosed = once([...server.sockets][0]!, 'close');
    await proxy.close();
    await open.done;
    await upstreamClosed;
    assert.equal(proxy.stats().open, 0);
    const late = connect({ host: '127.0.0.1', port: Number(new URL(proxy.url).port) });
    const [error] = (await once(late, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ECONNREFUSED');
  });

  it('only targets loopback', async () => {
    await assert.rejects(startChaosProxy({ target: 'http://192.0.2.1:80' }), /loopback/);
  });
});
