
/** Every device the guest sees, with its kind (emulated or synthetic) and model; an adapter's IP addresses as its guest reports them. */
export function Devices({ devices }) {
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      <table class="devices">
        <thead><tr><th scope="col">Device</th><th scope="col">Kind</th><th scope="col">Model</th><th scope="col">Detail</th></tr></thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.name}><th scope="row">{d.name}</th><td>{d.kind}</td><td>{d.model}</td><td>
              {d.detail}
              {d.addresses && (
                <div class="addresses" data-testid="addresses">
                  IP addresses: {d.addresses.length ? d.addresses.join(', ') : 'none reported'}
                </div>
              )}
            </td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
