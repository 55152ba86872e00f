import { css } from 'lit';

/* A media viewer is dark in both schemes: the image is what matters, the controls stay out of its way. */
export default css`
  :host {
    display: contents;
  }

  dialog {
    box-sizing: border-box;
    inline-size: 100vw;
    block-size: 100dvh;
    max-inline-size: none;
    max-block-size: none;
    margin: 0;
    padding: 0;
    border: 0;
    background: var(--im-lightbox-backdrop, rgb(10 11 13 / 0.94));
    color: var(--im-lightbox-text, #fff);
    color-scheme: dark;
  }

  dialog[open] {
    display: flex;
    flex-direction: column;
  }

  dialog::backdrop {
    background: transparent;
  }

  .toolbar {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 0.5rem;
    padding: 0.5rem;
  }

  .original,
  .close {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    min-block-size: 2.5rem;
    padding: 0 0.75rem;
    border: 0;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.12);
    color: inherit;
    font-size: 0.875rem;
    text-decoration: none;
  }

  .close {
    justify-content: center;
    inline-size: 2.5rem;
    padding: 0;
  }

  .original:hover,
  .close:hover {
    background: rgb(255 255 255 / 0.22);
  }

  :focus-visible {
    box-shadow: 0 0 0 3px #7aa7ff;
  }

  .stage {
    flex: 1;
    min-block-size: 0;
    display: grid;
    place-items: center;
    padding: 0 0.5rem 0.5rem;
  }

  img {
    display: block;
    max-inline-size: 100%;
    max-block-size: 100%;
    object-fit: contain;
    border-radius: 4px;
  }
`;
