import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { LocaleController } from '../i18n/locale-controller.js';
import { ImLightboxCloseEvent } from '../message/events.js';
import sharedStyles from '../styles/shared.styles.js';
import styles from './lightbox.styles.js';
import '../i18n/locales/en-more.js';

export { ImLightboxCloseEvent } from '../message/events.js';

/**
 * A full-screen image viewer: a modal `<dialog>` (focus stays inside and returns to where it was
 * when it closes), the image scaled to fit, a close button, Escape or a click beside the image to
 * close, and a link to the original file. Loaded on demand (`await import(...)`) the first time a
 * message's image is opened.
 *
 * @summary A modal image viewer.
 * @fires im-lightbox-close - The viewer closed (close button, Escape, a click beside the image, or `close()`).
 * @csspart dialog - The dialog.
 * @csspart image - The image.
 * @csspart toolbar - The bar with the "open original" link and the close button.
 * @csspart close-button - The close button.
 * @csspart original - The link to the original file.
 * @cssproperty --im-lightbox-backdrop - Colour behind the image.
 * @cssproperty --im-lightbox-text - Colour of the controls.
 */
@customElement('im-lightbox')
export class ImLightbox extends LitElement {
  static override styles = [sharedStyles, styles];

  /** The image shown (a large rendition). */
  @property() src = '';
  /** Alternative text of the image. */
  @property() alt = '';
  /** The original file, offered as a link (opens in a new tab). */
  @property() href = '';
  /** Whether the viewer is open; `show()` and `close()` set it. */
  @property({ type: Boolean, reflect: true }) open = false;

  @query('dialog') private dialog!: HTMLDialogElement;

  private readonly locale = new LocaleController(this);
  /** Where focus was when the viewer opened: it goes back there. */
  private returnFocus: HTMLElement | undefined;

  /** Opens the viewer as a modal dialog. */
  show(): void {
    this.open = true;
  }

  /** Closes the viewer; focus returns to where it was. */
  close(): void {
    this.open = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.returnFocus = deepActiveElement();
      this.dialog.showModal();
      this.renderRoot.querySelector<HTMLElement>('.close')?.focus();
    } else if (!this.open && this.dialog.open) {
      this.dialog.close();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.open = false;
  }

  private readonly onClose = (): void => {
    this.open = false;
    const target = this.returnFocus;
    this.returnFocus = undefined;
    if (target?.isConnected) target.focus();
    this.dispatchEvent(new ImLightboxCloseEvent());
  };

  /** A click beside the image (on the dialog itself) closes it, as a click on a backdrop would. */
  private readonly onClick = (event: MouseEvent): void => {
    if (event.target === this.dialog || (event.target as HTMLElement).classList?.contains('stage')) this.close();
  };

  protected override render() {
    const label = this.locale.t('lightbox.label');
    return html`<dialog part="dialog" aria-label=${label} dir=${this.locale.dir} @close=${this.onClose} @click=${this.onClick}>
      <div class="toolbar" part="toolbar">
        ${this.href
          ? html`<a class="original" part="original" href=${this.href} target="_blank" rel="noopener noreferrer">
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                <path d="M12 4v11" /><path d="m7 10 5 5 5-5" /><path d="M5 20h14" />
              </svg>
              <span>${this.locale.t('lightbox.original')}</span>
            </a>`
          : nothing}
        <button class="close" part="close-button" type="button" aria-label=${this.locale.t('lightbox.close')} @click=${() => this.close()}>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
            <path d="M18 6 6 18M6 6l12 12" />
          </svg>
        </button>
      </div>
      <div class="stage">${this.src ? html`<img part="image" src=${this.src} alt=${this.alt} decoding="async" />` : nothing}</div>
    </dialog>`;
  }
}

/** The focused element, looking into shadow roots (the image button inside a message). */
function deepActiveElement(): HTMLElement | undefined {
  let element = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element instanceof HTMLElement ? element : undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'im-lightbox': ImLightbox;
  }
}
