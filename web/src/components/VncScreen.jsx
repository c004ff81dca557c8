import { useEffect, useRef, useState } from 'preact/hooks';
import { socketUrl, vmPath } from '../lib/api.js';
import { keysymOf } from '../lib/keysyms.js';

const TYPE_DELAY_MS = 20; // between a key's press and release, and before the next key

/** The VM's screen in noVNC over the VNC WebSocket, with Ctrl+Alt+Del and VMConnect's "Type clipboard text". */
export function VncScreen({ id, running }) {
  const box = useRef(null);
  const rfb = useRef(null);
  const [status, setStatus] = useState('');
  const [attempt, setAttempt] = useState(0);
  const [text, setText] = useState('');
  const [typing, setTyping] = useState(false);

  useEffect(() => {
    if (!running) return undefined;
    let gone = false;
    setStatus('Connecting…');
    import('@novnc/novnc').then(({ default: RFB }) => {
      if (gone) return;
      const r = new RFB(box.current, socketUrl(`${vmPath(id)}/vnc`), { wsProtocols: ['binary'], shared: true });
      r.scaleViewport = true;
      r.background = 'transparent';
      r.addEventListener('connect', () => setStatus('Connected'));
      r.addEventListener('disconnect', (e) => !gone && setStatus(e.detail.clean ? 'Disconnected' : 'The screen could not be reached.'));
      r.addEventListener('securityfailure', (e) => setStatus(`Refused: ${e.detail.reason ?? e.detail.status}`));
      rfb.current = r;
    }).catch((e) => setStatus(`The screen could not start: ${e.message}`));
    return () => {
      gone = true;
      rfb.current?.disconnect();
      rfb.current = null;
    };
  }, [id, running, attempt]);

  async function type() {
    setTyping(true);
    for (const ch of text) {
      const keysym = keysymOf(ch);
      if (keysym == null || !rfb.current) continue;
      // Down and up as two events with a pause each: a press and release sent back to back are
      // lost by a guest slow to read its keyboard (seen under TCG).
      rfb.current.sendKey(keysym, null, true);
      await new Promise((r) => setTimeout(r, TYPE_DELAY_MS));
      rfb.current?.sendKey(keysym, null, false);
      await new Promise((r) => setTimeout(r, TYPE_DELAY_MS));
    }
    setTyping(false);
  }

  const connected = status === 'Connected';
  return (
    <section class="screen" aria-labelledby="screen-title">
      <h2 id="screen-title">Screen</h2>
      <div class="buttons">
        <button type="button" onClick={() => rfb.current?.sendCtrlAltDel()} disabled={!connected}>Ctrl+Alt+Del</button>
        {running && !connected && status !== 'Connecting…' && (
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>Reconnect</button>
        )}
        <span role="status">{running ? status : ''}</span>
      </div>
      <div class="vnc" ref={box} data-testid="vnc-screen" aria-label="The VM's screen; click it to type into the VM" />
      <form class="type-text" onSubmit={(e) => { e.preventDefault(); type(); }}>
        <label for={`type-text-${id}`}>Type clipboard text</label>
        <textarea id={`type-text-${id}`} rows="2" value={text} onInput={(e) => setText(e.currentTarget.value)}
          aria-describedby={`type-text-hint-${id}`} />
        <p id={`type-text-hint-${id}`} class="hint">Paste text here; it is typed into the VM key by key, as if on its keyboard.</p>
        <button type="submit" disabled={!connected || typing || text === ''}>{typing ? 'Typing…' : 'Type it'}</button>
      </form>
    </section>
  );
}
