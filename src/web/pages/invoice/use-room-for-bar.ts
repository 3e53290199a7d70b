/**
 * A bar stuck to the bottom of the window (position: sticky) must never cover the field being
 * typed in. Scrolling that brings something into view — Tab, Enter moving down the grid, "go to
 * line" links — stops short of the bar: while the bar is shown, the page's scroll-padding-bottom
 * is the bar's measured height (it wraps onto more lines on a narrow screen), which browsers
 * apply to scrollIntoView and to focus scrolling alike.
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
    return () => {
      observer.disconnect();
      root.style.removeProperty('scroll-padding-bottom');
    };
  }, [bar]);
}
