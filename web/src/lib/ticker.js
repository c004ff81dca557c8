import { useEffect, useReducer } from 'preact/hooks';

// One clock for every ticking uptime on the page, running only while something shows one.

const watchers = new Set();
let timer = null;

/** Re-renders the component every second while `active`. */
export function useTick(active) {
  const [, rerender] = useReducer((n) => n + 1, 0);
  useEffect(() => {
    if (!active) return undefined;
    watchers.add(rerender);
    timer ??= setInterval(() => watchers.forEach((fn) => fn()), 1000);
    return () => {
      watchers.delete(rerender);
      if (watchers.size === 0) {
        clearInterval(timer);
        timer = null;
      }
    };
  }, [active]);
}
