
/** Every device the guest sees, with its kind (emulated or synthetic) and model. */
export function Devices({ devices }) {
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      <table class="devices">
        <thead><tr><th scope="col">Device</th><th scope="col">Kind</th><th scope="col">Model</th><th scope="col">Detail</th></tr></thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.name}><th scope="row">{d.name}</th><td>{d.kind}</td><td>{d.model}</td><td>{d.detail}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
