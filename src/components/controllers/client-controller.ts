import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectionState } from '../../protocol/models.js';
import type { ErrorPayload } from '../../protocol/errors.js';
import type { IMClient } from '../../sdk/client.js';
import { clientContext } from '../context.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Gets the IMClient from the nearest <im-provider> (following replacements) and tracks its
 * connection state. `onClient` runs whenever the client changes, so dependants can resubscribe.
 */
export class ClientController implements ReactiveController {
  client: IMClient | undefined;
  state: ConnectionState = 'disconnected';
  reason: ErrorPayload | undefined;
  /** Class of the client's stored messages; changes with setClassId(). */
  classId: string | null = null;
  private offState: (() => void) | undefined;
  private readonly listeners = new Set<(client: IMClient | undefined) => void>();

  constructor(private readonly host: Host) {
    host.addController(this);
    new ContextConsumer(host, {
      context: clientContext,
      subscribe: true,
      callback: (client) => this.use(client),
    });
  }

  onClient(listener: (client: IMClient | undefined) => void): void {
    this.listeners.add(listener);
  }

  private use(client: IMClient | undefined): void {
    if (client === this.client) return;
    this.offState?.();
    this.offState = undefined;
    this.client = client;
    this.state = client?.state ?? 'disconnected';
    this.classId = client?.classId ?? null;
    this.reason = undefined;
    if (client && this.host.isConnected) this.listen(client);
    for (const listener of this.listeners) listener(client);
    this.host.requestUpdate();
  }

  private listen(client: IMClient): void {
    const offState = client.on('state', ({ state, reason }) => {
      this.state = state;
      this.reason = reason;
      this.host.requestUpdate();
    });
    const offClass = client.on('class:change', (classId) => {
      this.classId = classId;
      this.host.requestUpdate();
    });
    const offOnline = client.on('room:online', () => this.host.requestUpdate());
    this.offState = () => {
      offState();
      offClass();
      offOnline();
    };
  }

  hostConnected(): void {
    if (this.client && !this.offState) {
      this.state = this.client.state;
      this.classId = this.client.classId;
      this.listen(this.client);
    }
  }

  hostDisconnected(): void {
    this.offState?.();
    this.offState = undefined;
  }
}
