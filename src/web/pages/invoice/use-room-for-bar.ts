/**
 * A bar stuck to the bottom of the window (position: sticky) must never cover the field being
 * typed in. Scrolling that brings something into view — Tab, Enter moving down the grid, "go to
 * line" links — stops short of the bar: the page's scroll-padding-bottom is the bar's height,
 * measured (it wraps onto more lines on a narrow screen). Focus moves that scroll without heeding
 * scroll-padding, or none at all, are corrected after the fact: a focused field still under the
 * bar is scrolled up above it.
 */
import { useLayoutEffect, type RefObject } from 'react';

const GAP_PX = 8;

export function useRoomForBar(bar: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const el = bar.current;
    if (!el) return;
    const root = document.documentElement;
    const fit = () => root.style.setProperty('scroll-padding-bottom', `${el.offsetHeight + GAP_PX}px`);
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(el);

    let frame = 0;
    const onFocus = (e: FocusEvent) => {
      const target = e.target;
      // Dialogs are above the page, and the bar's own buttons are never under it.
      if (!(target instanceof HTMLElement) || el.contains(target) || target.closest('dialog')) return;
      cancelAnimationFrame(frame);
      // After the scrolling the focus move caused (the grid scrolls its cell into view itself).
      frame = requestAnimationFrame(() => {
        if (document.activeElement !== target) return;
        const field = target.getBoundingClientRect();
        const top = el.getBoundingClientRect().top;
        if (field.bottom > top - GAP_PX / 2 && field.top < el.getBoundingClientRect().bottom) window.scrollBy({ top: field.bottom - top + GAP_PX });
      });
    };
    document.addEventListener('focusin', onFocus);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      document.removeEventListener('focusin', onFocus);
      root.style.removeProperty('scroll-padding-bottom');
    };
  }, [bar]);
}
