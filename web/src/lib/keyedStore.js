// A map of items whose watchers are told once per animation frame, and only about what changed:
// a VM row listens to its own VM, so an event re-renders one row, not the list of 256.

const nextFrame = (fn) =>
  typeof requestAnimationFrame === 'function' && !document.hidden ? requestAnimationFrame(fn) : setTimeout(fn, 0);

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
    set(key, value) {
      items.set(key, value);
      touch(key);
    },
    /** Merges fields into an item that exists; an unknown key is left alone. */
    update(key, fields) {
      const now = items.get(key);
      if (!now) return;
      items.set(key, { ...now, ...fields });
      touch(key);
    },
    delete(key) {
      if (items.delete(key)) touch(key);
    },
    /** Replaces every item (a fresh read of the host's state). */
    replaceAll(entries) {
      for (const key of items.keys()) touch(key);
      items.clear();
      for (const [key, value] of entries) {
        items.set(key, value);
        touch(key);
      }
    },
    /** Calls fn after a frame in which `key` changed; returns the unsubscribe function. */
    watch(key, fn) {
      if (!keyWatchers.has(key)) keyWatchers.set(key, new Set());
      keyWatchers.get(key).add(fn);
      return () => {
        const set = keyWatchers.get(key);
        set.delete(fn);
        if (set.size === 0) keyWatchers.delete(key);
      };
    },
    /** Calls fn(changedKeys) after each frame in which anything changed. */
    watchAll(fn) {
      allWatchers.add(fn);
      return () => allWatchers.delete(fn);
    },
  };
}
