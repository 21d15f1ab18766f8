/**
 * Whether an element is on (or near) the screen, from ONE IntersectionObserver shared by every row
 * of the board (browser only). The board's moving cells tick only while their row can be seen, so
 * a second's tick costs the few visible rows, not all 500; a row scrolled into view picks up the
 * current time at once.
 */
import { useEffect, useState, type RefObject } from "react";

let observer: IntersectionObserver | null = null;
const listeners = new Map<Element, (onScreen: boolean) => void>();

function sharedObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver((entries) => {
    for (const e of entries) listeners.get(e.target)?.(e.isIntersecting);
  }, { rootMargin: "200px 0px" }); // a little ahead, so a row is current before it scrolls in
  return observer;
}

/** false until the browser has said where the element is (and on the server). */
export function useOnScreen(ref: RefObject<Element | null>): boolean {
  const [onScreen, setOnScreen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof IntersectionObserver === "undefined") {
      setOnScreen(true);
      return;
    }
    listeners.set(el, setOnScreen);
    sharedObserver().observe(el);
    return () => {
      listeners.delete(el);
      observer?.unobserve(el);
    };
  }, [ref]);
  return onScreen;
}
