// A map of items whose watchers are told once per animation frame, and only about what changed:
// a VM row listens to its own VM, so an event re-renders one row, not the list of 256.

const nextFrame = (fn) =>
  typeof requestAnimationFrame === 'function' && !document.hidden ? requestAnimationFrame(fn) : setTimeout(fn, 0);

/** Same fields, same values: a fresh read that changes nothing re-renders nothing. */
function sameFields(a, b) {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export function keyedStore() {
  const items = new Map();
  const keyWatchers = new Map();
  const allWatchers = new Set();
  const dirty = new Set();
  let scheduled = false;

  function flush() {
    scheduled = false;
    const changed = new Set(dirty);
    dirty.clear();
    for (const key of changed) for (const fn of keyWatchers.get(key) ?? []) fn();
    for (const fn of allWatchers) fn(changed);
  }

  function set(key, value) {
    const before = items.get(key);
    items.set(key, value);
    if (!sameFields(before, value)) touch(key);
  }

  function remove(key) {
    if (items.delete(key)) touch(key);
  }

  function touch(key) {
    dirty.add(key);
    if (!scheduled) {
      scheduled = true;
      nextFrame(flush);
    }
  }

  return {
    get: (key) => items.get(key),
    has: (key) => items.has(key),
    values: () => items.values(),
    get size() {
      return items.size;
    },
    set,
    /** Merges fields into an item that exists; an unknown key is left alone. */
    update(key, fields) {
      const now = items.get(key);
      if (now) set(key, { ...now, ...fields });
    },
    delete: remove,
    /** Replaces every item (a fresh read of the host's state). */
    replaceAll(entries) {
      const next = new Map(entries);
      for (const key of items.keys()) if (!next.has(key)) remove(key);
      for (const [key, value] of next) set(key, value);
    },
    /** Calls fn after a frame in which `key` changed; returns the unsubscribe function. */
    watch(key, fn) {
      if (!keyWatchers.has(key)) keyWatchers.set(key, new Set());
      keyWatchers.get(key).add(fn);
      return () => {
        const watchers = keyWatchers.get(key);
        watchers.delete(fn);
        if (watchers.size === 0) keyWatchers.delete(key);
      };
    },
    /** Calls fn(changedKeys) after each frame in which anything changed. */
    watchAll(fn) {
      allWatchers.add(fn);
      return () => allWatchers.delete(fn);
    },
  };
}
