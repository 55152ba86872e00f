/** Room kept between a popover and what it belongs to, and between a popover and the viewport's edge. */
const POPOVER_GAP = 6;
const VIEWPORT_MARGIN = 8;

/**
 * Puts a top-layer popover of <im-composer> above its anchor (below when there is more room
 * there), lined up with the anchor's inline start or end, inside the viewport.
 */
export function placePopover(popover: HTMLElement, anchor: Pick<DOMRect, 'top' | 'bottom' | 'left' | 'right'>, align: 'start' | 'end', rtl: boolean): void {
  const viewport = document.documentElement;
  const width = viewport.clientWidth;
  const height = viewport.clientHeight;
  const above = anchor.top - POPOVER_GAP - VIEWPORT_MARGIN;
  const below = height - anchor.bottom - POPOVER_GAP - VIEWPORT_MARGIN;
  const up = above >= 240 || above >= below;
  const style = popover.style;
  style.setProperty('--space', `${Math.max(120, up ? above : below)}px`);
  style.setProperty('--viewport-width', `${width - 2 * VIEWPORT_MARGIN}px`);
  style.top = up ? 'auto' : `${anchor.bottom + POPOVER_GAP}px`;
  style.bottom = up ? `${height - anchor.top + POPOVER_GAP}px` : 'auto';
  const own = popover.offsetWidth;
  // `start` lines the popover up with the anchor's inline start, `end` with its inline end.
  const fromLeft = (align === 'start') !== rtl;
  const left = fromLeft ? anchor.left : anchor.right - own;
  style.left = `${Math.min(Math.max(VIEWPORT_MARGIN, left), width - VIEWPORT_MARGIN - own)}px`;
  style.right = 'auto';
}
