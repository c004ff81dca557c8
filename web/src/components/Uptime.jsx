import { duration } from '../lib/format.js';
import { useTick } from '../lib/ticker.js';

export function Uptime({ since }) {
  useTick(since != null);
  return since == null ? null : <span>{duration((Date.now() - since) / 1000)}</span>;
}
