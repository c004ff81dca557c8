import { useEffect, useRef, useState } from 'preact/hooks';
import { socketUrl, vmPath } from '../lib/api.js';

const LEAVE_KEY = ']'; // with Ctrl, as `nube vm console` leaves

/** COM1 in xterm.js over the console WebSocket: the guest's bytes in, the keys typed out. */
export function SerialTerminal({ id, running }) {
  const box = useRef(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    if (!running) return undefined;
    let term;
    let socket;
    let resize;
    let gone = false;
    (async () => {
      setStatus('Connecting…');
      const [{ Terminal }, { FitAddon }] = await Promise.all([
        import('@xterm/xterm'), import('@xterm/addon-fit'), import('@xterm/xterm/css/xterm.css'),
      ]);
      if (gone) return;
      term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000 });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(box.current);
      fit.fit();
      resize = new ResizeObserver(() => fit.fit());
      resize.observe(box.current);
      // A way out for keyboard users: the terminal takes Tab for the guest.
      term.attachCustomKeyEventHandler((e) => {
        if (e.type === 'keydown' && e.ctrlKey && e.key === LEAVE_KEY) {
          document.getElementById(`serial-leave-${id}`)?.focus();
          return false;
        }
        return true;
      });
      socket = new WebSocket(socketUrl(`${vmPath(id)}/console`));
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => setStatus('Connected');
      socket.onmessage = (m) => term.write(new Uint8Array(m.data));
      socket.onclose = (c) => !gone && setStatus(`Disconnected${c.reason ? `: ${c.reason}` : ''}`);
      const encoder = new TextEncoder();
      const send = (data) => socket.readyState === WebSocket.OPEN && socket.send(encoder.encode(data));
      term.onData(send);
      term.onBinary((data) => socket.readyState === WebSocket.OPEN && socket.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    })().catch((e) => setStatus(`The terminal could not start: ${e.message}`));
    return () => {
      gone = true;
      resize?.disconnect();
      socket?.close();
      term?.dispose();
    };
  }, [id, running]);

  return (
    <section class="serial" aria-labelledby="serial-title">
      <h2 id="serial-title">Serial console (COM1)</h2>
      <p class="hint">
        Click the terminal or tab into it to type; Ctrl+] leaves it.
      </p>
      <p class="connection" role="status">{running ? status : ''}</p>
      <div class="terminal" ref={box} data-testid="serial-terminal" />
      <button type="button" id={`serial-leave-${id}`} class="link" onClick={() => box.current?.querySelector('textarea')?.focus()}>
        Back to the terminal
      </button>
    </section>
  );
}
