// A plain Server-Sent Events client for nubed's event stream over its UNIX socket: the
// reference beside the browser (when a client that only parses the stream has each event).

import http from 'node:http';

export const epochMs = () => performance.timeOrigin + performance.now();

/** Opens GET /api/v1/events; onEvent(event, receivedAtEpochMs) for each one. Returns close(). */
export function followEvents(socketPath, onEvent) {
  const req = http.request({ socketPath, path: '/api/v1/events', headers: { Accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk) => {
      const at = epochMs();
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (data) onEvent(JSON.parse(data), at);
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}

/** An event's server time (ISO 8601 with up to 7 fractional digits) in epoch milliseconds, sub-millisecond kept. */
export function serverMs(iso) {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  return Date.parse(m[1] + m[3]) + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}
