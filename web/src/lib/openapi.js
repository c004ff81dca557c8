// Reading nubed's OpenAPI document (/api/v1/openapi.json) for the API reference page: the
// operations grouped by tag in the document's order, filtering, and the ways in of each one.

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** [{ name, description, operations: [{ method, path, operationId, summary, parameters, ... }] }], tags without operations left out. */
export function operationsByTag(doc) {
  const groups = new Map((doc.tags ?? []).map((t) => [t.name, { name: t.name, description: t.description, operations: [] }]));
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const operation = { ...op, method: method.toUpperCase(), path, parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])] };
      for (const tag of op.tags?.length ? op.tags : ['Other']) {
        if (!groups.has(tag)) groups.set(tag, { name: tag, operations: [] });
        groups.get(tag).operations.push(operation);
      }
    }
  }
  return [...groups.values()].filter((g) => g.operations.length > 0);
}

/** Whether an operation matches the words typed in the filter (its method, path, id, summary or description). */
export function matches(operation, filter) {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const text = [operation.method, operation.path, operation.operationId, operation.summary, operation.description]
    .filter(Boolean).join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

/** The last segment of a local reference: '#/components/schemas/VmSettings' is 'VmSettings'. */
export const refName = (ref) => ref.slice(ref.lastIndexOf('/') + 1);

/** An anchor for a tag, an operation or a schema. */
export const anchor = (kind, name) => `${kind}-${String(name).replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** How an operation is authenticated, in words: 'none' for the sign-in, else each way joined by 'or'. */
export function credentials(operation, doc) {
  if (!operation.security) return 'as the document says';
  if (operation.security.length === 0) return 'none';
  const schemes = doc.components?.securitySchemes ?? {};
  const word = (name) => {
    const s = schemes[name];
    if (!s) return name;
    return s.type === 'http' ? `${s.scheme} token` : `${s.name} ${s.in}`;
  };
  return operation.security.map((req) => Object.keys(req).map(word).join(' with ')).join(', or ');
}

/** The answers by status code, lowest first. */
export function responses(operation) {
  return Object.entries(operation.responses ?? {})
    .map(([status, r]) => ({ status, description: r.description, content: Object.entries(r.content ?? {}) }))
    .sort((a, b) => a.status.localeCompare(b.status));
}
