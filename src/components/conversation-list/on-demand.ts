import { adoptStyles, supportsAdoptingStyleSheets } from 'lit';
import type { ListHost, PartModule } from './list-host.js';

/**
 * A part of the list that is loaded the first time it is needed, or a moment earlier when the
 * pointer or the focus comes to what opens it. Once loaded, its styles are adopted into the
 * list's shadow root (constructed style sheets, so a strict Content-Security-Policy allows them)
 * and the list re-renders with it.
 */
export class OnDemand<T> {
  /** The part, once loaded. */
  value: T | undefined;
  private loading: Promise<T> | undefined;

  constructor(
    private readonly host: ListHost,
    private readonly load: () => Promise<PartModule<T>>,
  ) {}

  /** The part, loading it first if needed. A failed load (offline) is tried again next time. */
  get(): Promise<T> {
    this.loading ??= this.load().then(
      ({ default: Part }) => {
        const root = this.host.root();
        adoptStyles(root, supportsAdoptingStyleSheets ? [...root.adoptedStyleSheets, Part.styles] : [Part.styles]);
        this.value = new Part(this.host);
        void this.host.update();
        return this.value;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** Starts loading ahead of use; a failure is reported only when the part is really needed. */
  readonly preload = (): void => {
    if (!this.loading) this.get().catch(() => undefined);
  };
}
