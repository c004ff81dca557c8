import { DiskFiles } from './DiskFiles.jsx';
import { IsoLibrary } from './IsoLibrary.jsx';

/** The host's storage: the disk files under its storage roots and the ISO library. */
export function StoragePage() {
  return (
    <section class="storage">
      <div class="page-title"><h1 tabindex="-1">Storage</h1></div>
      <DiskFiles />
      <IsoLibrary />
    </section>
  );
}
