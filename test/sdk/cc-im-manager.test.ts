import { expect } from '@open-wc/testing';
import { CCIMManager, type CCIMMessage } from '../../src/sdk/compat/cc-im-manager.js';
import { bindRoom, testServer, uniqueId, unbindRoom, until } from '../browser-helpers.js';

const managers: CCIMManager[] = [];

function manager(token: string, userId: string, classId?: string): CCIMManager & { inbox: CCIMMessage[] } {
  const im = new CCIMManager({ token, userId, server: testServer.server, ...(classId ? { classId } : {}) }) as CCIMManager & {
    inbox: CCIMMessage[];
  };
  im.inbox = [];
  im.onMessage = (data) => im.inbox.push(data);
  managers.push(im);
  return im;
}

/** initCCIM() and wait for the `connect` callback. */
function init(im: CCIMManager): Promise<void> {
  return new Promise((resolve) => {
    im.connect = () => resolve();
    im.initCCIM();
  });
}

/** Calls a CC send method and resolves with what its callback received. */
function call<T = Record<string, unknown>>(send: (callback: (data: unknown) => void) => void): Promise<T> {
  return new Promise((resolve) => send((data) => resolve(data as T)));
}

afterEach(() => {
  for (const im of managers.splice(0)) im.release();
});

describe('CCIMManager (CC live-class IM web API)', () => {
  it('does not connect until initCCIM() and then sends the three kinds of message', async () => {
    const { token } = await bindRoom();
    const teacher = manager(token, uniqueId('teacher'));
    const student = manager(token, uniqueId('student'));
    const other = manager(token, uniqueId('other'));
    let connectCalls = 0;
    teacher.connect = () => connectCalls++;

    await init(student);
    await init(other);
    // The teacher's manager exists but is not connected: a broadcast now does not reach it.
    await call((cb) => student.sendRoomMsg('before init', cb));
    expect(connectCalls).to.equal(0);

    await init(teacher);
    const roomAck = await call((cb) => teacher.sendRoomMsg({ action: 'raise-hand', at: [1, 2] }, cb));
    expect(roomAck.ok).to.equal(true);
    await until(() => student.inbox.some((m) => m.type === 'room'), 'the room message');
    const room = student.inbox.find((m) => m.type === 'room')!;
    expect(room.content).to.deep.equal({ action: 'raise-hand', at: [1, 2] });
    expect(room.userId).to.match(/^teacher-/);
    expect(room.time).to.be.a('number');
    expect(teacher.inbox.map((m) => m.content)).to.not.include('before init');

    await call((cb) => teacher.sendCustomCommand('answer: 42', [studentId(student), 'nobody'], cb));
    await until(() => student.inbox.some((m) => m.type === 'custom'), 'the custom command');
    expect(student.inbox.find((m) => m.type === 'custom')!.content).to.equal('answer: 42');

    const reliableAck = await call<{ ok: boolean; seq: number }>((cb) => teacher.sendReliableMessage({ q: 'ready?' }, cb));
    expect(reliableAck.ok).to.equal(true);
    expect(reliableAck.seq).to.equal(1);
    await until(() => other.inbox.some((m) => m.type === 'reliable'), 'the reliable message');
    const reliable = other.inbox.find((m) => m.type === 'reliable')!;
    expect(reliable).to.include({ type: 'reliable', seq: 1 });
    expect(reliable.content).to.deep.equal({ q: 'ready?' });
    // The custom command went to the student only.
    expect(other.inbox.some((m) => m.type === 'custom')).to.equal(false);
  });

  it('delivers stored history first, oldest first, marked history: true', async () => {
    const { token } = await bindRoom();
    const writer = manager(token, uniqueId('writer'), 'class-1');
    await init(writer);
    for (const n of [1, 2, 3]) await call((cb) => writer.sendReliableMessage(`h${n}`, cb));
    writer.setClassId('class-2');
    await call((cb) => writer.sendReliableMessage('other class', cb));
    writer.setClassId('class-1');

    const late = manager(token, uniqueId('late'), 'class-1');
    await init(late);
    await call((cb) => writer.sendReliableMessage('live', cb));
    await until(() => late.inbox.some((m) => m.content === 'live'), 'the live message');
    expect(late.inbox.map((m) => [m.content, m.history ?? false])).to.deep.equal([
      ['h1', true],
      ['h2', true],
      ['h3', true],
      ['live', false],
    ]);
  });

  it('scopes stored messages and history by classId', async () => {
    const { token } = await bindRoom();
    const a = manager(token, uniqueId('a'), 'lesson-a');
    await init(a);
    await call((cb) => a.sendReliableMessage('in lesson a', cb));
    a.setClassId('lesson-b');
    // setClassId is applied before the next send on the same connection.
    await call((cb) => a.sendReliableMessage('in lesson b', cb));

    const inB = manager(token, uniqueId('b'), 'lesson-b');
    await init(inB);
    expect(inB.inbox.map((m) => m.content)).to.deep.equal(['in lesson b']);
    const noClass = manager(token, uniqueId('c'));
    await init(noClass);
    expect(noClass.inbox).to.deep.equal([]);
  });

  it('sends a reliable message to listed users only', async () => {
    const { token } = await bindRoom();
    const sender = manager(token, uniqueId('s'));
    const target = manager(token, uniqueId('t'));
    await init(sender);
    await init(target);
    const targetId = studentId(target);
    await call((cb) => sender.sendReliableMessage('private', [targetId], cb));
    await until(() => target.inbox.some((m) => m.content === 'private'), 'the private message');
    const bystander = manager(token, uniqueId('b'));
    await init(bystander);
    expect(bystander.inbox).to.deep.equal([]);
  });

  it('reconnects when initCCIM() is called again, and calls the state callbacks', async () => {
    const { token, roomId } = await bindRoom();
    const im = manager(token, uniqueId('u'));
    const peer = manager(token, uniqueId('p'));
    await init(peer);
    const events: string[] = [];
    await init(im);
    await init(im);
    im.disconnect = (reason) => events.push(`disconnect:${(reason as { code?: string } | undefined)?.code ?? ''}`);
    await call((cb) => peer.sendRoomMsg('once', cb));
    await call((cb) => peer.sendReliableMessage('marker', cb));
    await until(() => im.inbox.some((m) => m.content === 'marker'), 'the marker');
    // The first connection was closed: the broadcast arrived once, not twice.
    expect(im.inbox.filter((m) => m.content === 'once')).to.have.length(1);

    await unbindRoom(roomId);
    await until(() => events.length > 0, 'the disconnect callback');
    expect(events).to.deep.equal(['disconnect:ROOM_UNBOUND']);
  });

  it('calls connect_error with a coded reason for a bad token', async () => {
    const im = manager('not-a-token', uniqueId('u'));
    const error = await new Promise<{ code: string }>((resolve) => {
      im.connect_error = (data) => resolve(data as { code: string });
      im.initCCIM();
    });
    expect(error.code).to.equal('TOKEN_INVALID');
  });

  it('calls reconnecting and reconnect around a dropped connection', async () => {
    const { token } = await bindRoom();
    const im = manager(token, uniqueId('u'));
    await init(im);
    const seen: string[] = [];
    const back = new Promise<void>((resolve) => {
      im.reconnecting = () => seen.push('reconnecting');
      im.reconnect = () => {
        seen.push('reconnect');
        resolve();
      };
    });
    // The facade has no API to cut the network; reach the client it wraps.
    (im as unknown as { session: { client: { simulateNetworkDrop(): void } } }).session.client.simulateNetworkDrop();
    await back;
    expect(seen).to.deep.equal(['reconnecting', 'reconnect']);
    const ack = await call((cb) => im.sendRoomMsg('still works', cb));
    expect(ack.ok).to.equal(true);
  });

  it('stops everything on release()', async () => {
    const { token } = await bindRoom();
    const im = manager(token, uniqueId('u'));
    const peer = manager(token, uniqueId('p'));
    await init(im);
    await init(peer);
    im.release();
    im.initCCIM();
    const ack = await call<{ ok: boolean; error: { code: string } }>((cb) => im.sendRoomMsg('after release', cb));
    expect(ack.ok).to.equal(false);
    expect(ack.error.code).to.equal('NOT_CONNECTED');
    await call((cb) => peer.sendReliableMessage('nobody listening', cb));
    expect(im.inbox).to.deep.equal([]);
  });
});

/** The user id a manager was created with (the facade keeps it private, as the original does). */
function studentId(im: CCIMManager): string {
  return (im as unknown as { options: { userId: string } }).options.userId;
}
