import { Link } from './Link.jsx';

export function NotFound() {
  return (
    <section>
      <h1 tabindex="-1">Not found</h1>
      <p>The console has no page at {location.pathname}. <Link href="/vms">See the virtual machines.</Link></p>
    </section>
  );
}
