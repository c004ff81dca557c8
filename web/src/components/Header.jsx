import { Link } from './Link.jsx';

const LIVE = { live: 'Live', connecting: 'Connecting…', offline: 'Offline: retrying' };

/** The host's name, where to go, who is signed in, and whether events are coming in. */
export function Header({ host, user, live, page, onSignOut }) {
  const current = (p) => (page === p ? 'page' : undefined);
  return (
    <header class="top">
      <div class="brand">
        <span class="logo" aria-hidden="true">☁</span>
        <span>Nube</span>
        <span class="host-name" title="Host">{host?.hostName ?? ''}</span>
      </div>
      <nav aria-label="Main">
        <Link href="/" aria-current={current('host')}>Host</Link>
        <Link href="/vms" aria-current={current('vms')}>Virtual machines</Link>
        <Link href="/vms/new" aria-current={current('new-vm')}>New VM</Link>
        <Link href="/storage" aria-current={current('storage')}>Storage</Link>
        <Link href="/networking" aria-current={current('networking')}>Networking</Link>
        <Link href="/audit" aria-current={current('audit')}>Audit</Link>
        <Link href="/api-reference" aria-current={current('api-reference')}>API reference</Link>
      </nav>
      <div class="who">
        <span class={`live live-${live}`} role="status">{LIVE[live]}</span>
        <span class="user">{user ?? 'API token'}</span>
        {user && <button type="button" onClick={onSignOut}>Sign out</button>}
      </div>
    </header>
  );
}
