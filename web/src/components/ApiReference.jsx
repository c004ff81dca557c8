import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { anchor, credentials, matches, operationsByTag, refName, responses } from '../lib/openapi.js';

const DOCUMENT = '/api/v1/openapi.json';

/**
 * The API reference: nubed's OpenAPI document, fetched with the console's session, as the
 * operations of each tag (method, path, parameters, body, answers, credentials) and the schemas
 * they use. Loaded only when the page is opened (ApiReferencePage).
 */
export function ApiReference() {
  const [doc, setDoc] = useState(null);
  const [error, setError] = useState(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    get(DOCUMENT).then(setDoc, setError);
  }, []);
  const groups = useMemo(() => (doc ? operationsByTag(doc) : []), [doc]);

  if (error) return <Title><p class="error" role="alert">The API's description could not be read: {error.message}</p></Title>;
  if (!doc) return <Title><p class="loading">Reading the API's description…</p></Title>;

  const shown = groups.map((g) => ({ ...g, operations: g.operations.filter((o) => matches(o, filter)) }))
    .filter((g) => g.operations.length > 0);
  const schemas = Object.entries(doc.components?.schemas ?? {});
  return (
    <Title subtitle={`${doc.info?.title ?? ''} ${doc.info?.version ?? ''}`}>
      <Text text={doc.info?.description} />
      <p>The same description as a file for other tools: <a href={DOCUMENT} download="nube-openapi.json">OpenAPI document (JSON)</a>.</p>
      <nav aria-label="API sections" class="api-sections">
        {groups.map((g) => <a key={g.name} href={`#${anchor('tag', g.name)}`}>{g.name}</a>)}
        <a href="#schemas">Schemas</a>
      </nav>
      <div class="field">
        <label for="api-filter">Filter operations</label>
        <input id="api-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)}
          placeholder="e.g. start, POST, kvp" />
      </div>
      {shown.length === 0 && <p>No operation matches “{filter}”.</p>}
      {shown.map((g) => (
        <section key={g.name} aria-labelledby={anchor('tag', g.name)}>
          <h2 id={anchor('tag', g.name)}>{g.name}</h2>
          {g.description && <Text text={g.description} />}
          {g.operations.map((o) => <Operation key={`${o.method} ${o.path}`} operation={o} doc={doc} />)}
        </section>
      ))}
      <section aria-labelledby="schemas">
        <h2 id="schemas">Schemas</h2>
        {schemas.map(([name, schema]) => <Schema key={name} name={name} schema={schema} />)}
      </section>
    </Title>
  );
}

function Title({ subtitle, children }) {
  return (
    <section class="api-reference">
      <div class="page-title">
        <h1 tabindex="-1">API reference</h1>
        {subtitle && <span class="subtitle">{subtitle}</span>}
      </div>
      {children}
    </section>
  );
}

function Operation({ operation: o, doc }) {
  const body = o.requestBody && Object.entries(o.requestBody.content ?? {});
  return (
    <details class="operation" id={anchor('op', o.operationId ?? `${o.method}-${o.path}`)}>
      <summary>
        <span class={`method method-${o.method.toLowerCase()}`}>{o.method}</span> <code>{o.path}</code>{' '}
        <span class="op-summary">{o.summary}</span>
      </summary>
      <div class="op-body">
        <Text text={o.description} />
        <p class="hint">Operation id <code>{o.operationId}</code>; credentials: {credentials(o, doc)}.</p>
        {o.parameters.length > 0 && (
          <table>
            <caption>Parameters</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
            <tbody>
              {o.parameters.map((p) => (
                <tr key={`${p.in} ${p.name}`}>
                  <th scope="row"><code>{p.name}</code>{p.required && ' (required)'}</th>
                  <td>{p.in}</td>
                  <td><Type schema={p.schema} /></td>
                  <td>{p.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {body && body.map(([type, c]) => <p key={type}>Body ({type}): <Type schema={c.schema} /></p>)}
        <table>
          <caption>Answers</caption>
          <thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead>
          <tbody>
            {responses(o).map((r) => (
              <tr key={r.status}>
                <th scope="row">{r.status}</th>
                <td>{r.description}</td>
                <td>{r.content.map(([type, c], i) => (
                  <span key={type}>{i > 0 && '; '}{c.schema ? <Type schema={c.schema} /> : 'no schema'} <span class="hint">({type})</span></span>
                ))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function Schema({ name, schema }) {
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {});
  return (
    <details class="schema" id={anchor('schema', name)}>
      <summary><code>{name}</code></summary>
      {schema.description && <Text text={schema.description} />}
      {properties.length === 0 ? <p><Type schema={schema} /></p> : (
        <table>
          <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
          <tbody>
            {properties.map(([field, s]) => (
              <tr key={field}>
                <th scope="row"><code>{field}</code>{required.has(field) && ' (required)'}</th>
                <td><Type schema={s} /></td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

/** A schema as a short type: a link to a named schema, `T[]`, `a | b`, a primitive with its format, an enum's values. */
function Type({ schema }) {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return <a href={`#${anchor('schema', name)}`} onClick={openSchema}>{name}</a>;
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return alternatives.map((s, i) => <Fragment key={i}>{i > 0 && ' | '}<Type schema={s} /></Fragment>);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = [schema.type ?? 'object'].flat();
  return types.map((t, i) => (
    <Fragment key={t}>
      {i > 0 && ' | '}
      {t === 'array' ? <><Type schema={schema.items} />[]</>
        : t === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object'
          ? <>map of <Type schema={schema.additionalProperties} /></>
          : <>{t}{schema.format && t !== 'null' ? ` (${schema.format})` : ''}</>}
    </Fragment>
  ));
}

/** Following a link to a schema opens its details first, so that the target is visible. */
function openSchema(e) {
  const target = document.getElementById(e.currentTarget.hash.slice(1));
  if (target) target.open = true;
}

/** The document's text: paragraphs, with `code` and **bold** as in its Markdown, and nothing else interpreted. */
function Text({ text }) {
  if (!text) return null;
  return text.split(/\n{2,}/).map((paragraph, i) => (
    <p key={i}>
      {paragraph.split(/(`[^`]+`|\*\*[^*]+\*\*)/).map((part, j) =>
        part.startsWith('`') && part.endsWith('`') && part.length > 1 ? <code key={j}>{part.slice(1, -1)}</code>
          : part.startsWith('**') && part.endsWith('**') && part.length > 3 ? <strong key={j}>{part.slice(2, -2)}</strong>
            : part)}
    </p>
  ));
}
