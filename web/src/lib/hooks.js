import { useLayoutEffect, useReducer, useRef } from 'preact/hooks';

// Subscribing in a layout effect (run in the same task as the render) leaves no gap in which a
// frame's changes could be missed between reading the store and watching it.

/** One item of a keyed store; the component re-renders when that item changes. */
export function useStoreItem(store, key) {
  const [, rerender] = useReducer((n) => n + 1, 0);
  useLayoutEffect(() => store.watch(key, rerender), [store, key]);
  return store.get(key);
}

/** Re-renders after every frame in which anything in the store changed, or what `select(changedKeys)` says. */
export function useStoreChanges(store, select) {
  const [, rerender] = useReducer((n) => n + 1, 0);
  const latest = useRef(select);
  latest.current = select;
  useLayoutEffect(() => store.watchAll((changed) => (!latest.current || latest.current(changed)) && rerender()), [store]);
}
