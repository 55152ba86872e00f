import { ContextConsumer, createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { IMClient } from '../sdk/client.js';

/** The one context every element gets its IMClient from (provided by <im-provider>). */
export const clientContext = createContext<IMClient | undefined>(Symbol('im-client'));

/**
 * The conversation the elements inside one <im-provider> are about: a conversation list sets
 * it when the user picks a conversation, a chat without a `conversation-id` of its own shows it.
 * The object stays the same for the provider's lifetime; its value changes.
 */
export interface ConversationSelection {
  /** The selected conversation, or undefined when none is. */
  readonly conversationId: string | undefined;
  /** Selects a conversation (undefined clears the selection); listeners hear only real changes. */
  select(conversationId: string | undefined): void;
  /** Calls `listener` after every change; returns the function that unsubscribes. */
  subscribe(listener: (conversationId: string | undefined) => void): () => void;
}

/** Provided by <im-provider> next to the client. */
export const selectionContext = createContext<ConversationSelection | undefined>(Symbol('im-selection'));

/** The plain observable value <im-provider> provides. */
export class SelectionStore implements ConversationSelection {
  private current: string | undefined;
  private readonly listeners = new Set<(conversationId: string | undefined) => void>();

  get conversationId(): string | undefined {
    return this.current;
  }

  select(conversationId: string | undefined): void {
    const next = conversationId || undefined;
    if (next === this.current) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  subscribe(listener: (conversationId: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/**
 * Follows the selection of the nearest <im-provider>: `conversationId` is its current value and
 * the host re-renders (and `onChange` runs) when it changes. Subscribed while the host is
 * connected only. Works without a provider too: then nothing is ever selected.
 */
export class SelectionController implements ReactiveController {
  selection: ConversationSelection | undefined;
  conversationId: string | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly onChange: (conversationId: string | undefined) => void = () => {},
  ) {
    host.addController(this);
    new ContextConsumer(host, {
      context: selectionContext,
      subscribe: true,
      callback: (selection) => this.use(selection),
    });
  }

  /** Selects in the shared selection (a no-op without a provider). */
  select(conversationId: string | undefined): void {
    this.selection?.select(conversationId);
  }

  private use(selection: ConversationSelection | undefined): void {
    if (selection === this.selection) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.selection = selection;
    if (this.host.isConnected) this.listen();
    this.take(selection?.conversationId);
  }

  private listen(): void {
    if (!this.selection || this.unsubscribe) return;
    this.unsubscribe = this.selection.subscribe((id) => this.take(id));
  }

  private take(conversationId: string | undefined): void {
    if (conversationId === this.conversationId) return;
    this.conversationId = conversationId;
    this.onChange(conversationId);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.listen();
    this.take(this.selection?.conversationId);
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
