import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { HostContext } from '../lib/hostContext.js';
import { startLiveEvents } from '../lib/liveEvents.js';
import { route, usePath } from '../lib/router.js';
import { Header } from './Header.jsx';
import { HostView } from './HostView.jsx';
import { VmList } from './VmList.jsx';
import { NewVm } from './NewVm.jsx';
import { VmSettingsPage } from './VmSettingsPage.jsx';
import { VmConsolePage } from './VmConsolePage.jsx';
import { NotFound } from './NotFound.jsx';
import { ApiReferencePage } from './ApiReferencePage.jsx';
import { AuditPage } from './AuditPage.jsx';
import { NetworkingPage } from './NetworkingPage.jsx';
import { StoragePage } from './StoragePage.jsx';

const PAGES = { host: HostView, vms: VmList, 'new-vm': NewVm, vm: VmSettingsPage, console: VmConsolePage, storage: StoragePage, networking: NetworkingPage, audit: AuditPage,
  'api-reference': ApiReferencePage, 'not-found': NotFound };

/** The signed-in console: the header, and the page the path names; the event stream stays open throughout. */
export function Shell({ user, onSignOut }) {
  const path = usePath();
  const [host, setHost] = useState(null);
  const [live, setLive] = useState('connecting');
  const reload = useCallback(() => get('/api/v1/host').then(setHost).catch(() => {}), []);

  useEffect(() => {
    reload();
    return startLiveEvents(setLive);
  }, []);

  const { page, id } = route(path);
  const Page = PAGES[page];
  const first = useRef(true);
  useEffect(() => {
    // After following a link, focus goes to the new page's heading, as after a page load it would
    // go to the top; the first page leaves focus where the browser put it (the skip link is first).
    if (first.current) first.current = false;
    else document.querySelector('main h1')?.focus();
  }, [path]);

  return (
    <HostContext.Provider value={{ host, reload }}>
      <a class="skip-link" href="#main">Skip to content</a>
      <Header host={host} user={user} live={live} page={page} onSignOut={onSignOut} />
      <main id="main" tabindex="-1">
        <Page id={id} key={path} />
      </main>
    </HostContext.Provider>
  );
}
