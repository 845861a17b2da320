/**
 * Keeps a popover (absolutely placed above its anchor, e.g. the emoji picker over a message)
 * inside the area that shows it: the scrolling message list when it is in one, else the
 * viewport. Opened too near the top, it flips below its anchor; if neither side has room it
 * is clamped to the top edge. It is also kept from running off either side.
 */
import { useLayoutEffect, type RefObject } from 'react';

const MARGIN = 8;

export function useKeepInView(ref: RefObject<HTMLElement>, boundarySelector = '.messages') {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const area = el.closest(boundarySelector)?.getBoundingClientRect();
    const top = Math.max(area?.top ?? 0, 0) + MARGIN;
    const bottom = Math.min(area?.bottom ?? window.innerHeight, window.innerHeight) - MARGIN;
    const left = Math.max(area?.left ?? 0, 0) + MARGIN;
    const right = Math.min(area?.right ?? window.innerWidth, window.innerWidth) - MARGIN;

    let rect = el.getBoundingClientRect();
    if (rect.top < top) {
      // Below the anchor instead (the class swaps `bottom: 100%` for `top: 100%`).
      el.classList.add('is-flipped');
      rect = el.getBoundingClientRect();
      if (rect.bottom > bottom) {
        el.classList.remove('is-flipped');
        rect = el.getBoundingClientRect();
      }
    }
    let dy = 0;
    if (rect.top < top) dy = top - rect.top;
    else if (rect.bottom > bottom) dy = Math.max(top - rect.top, bottom - rect.bottom);
    let dx = 0;
    if (rect.right > right) dx = right - rect.right;
    if (rect.left + dx < left) dx = left - rect.left;
    el.style.transform = dx || dy ? `translate(${Math.round(dx)}px, ${Math.round(dy)}px)` : '';
  }, [ref, boundarySelector]);
}
