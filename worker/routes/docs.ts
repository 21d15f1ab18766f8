/** Server-rendered API reference built from the OpenAPI document: endpoints, parameters, bodies, errors. */
const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});

function schemaText(schema: unknown, components: Json, depth = 0): string {
  const s = obj(schema);
  if (typeof s.$ref === "string") {
    const name = s.$ref.split("/").pop() ?? "";
    return depth > 1 ? name : schemaText(obj(components)[name], components, depth + 1);
  }
  if (s.type === "object" && s.properties) {
    const req = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    const rows = Object.entries(obj(s.properties)).map(([k, v]) => `  ${k}${req.has(k) ? "" : "?"}: ${schemaText(v, components, depth + 1).replace(/\n/g, "\n  ")}`);
    return `{\n${rows.join(",\n")}\n}`;
  }
  if (s.type === "array") return `${schemaText(s.items, components, depth + 1)}[]`;
  if (Array.isArray(s.enum)) return s.enum.map((e) => JSON.stringify(e)).join(" | ");
  if (Array.isArray(s.anyOf)) return s.anyOf.map((x) => schemaText(x, components, depth + 1)).join(" | ");
  return String(s.type ?? (s.format ? s.format : "any")) + (s.format && s.type ? ` (${s.format})` : "");
}

export function renderDocsPage(doc: unknown): string {
  const d = obj(doc);
  const components = obj(obj(d.components).schemas);
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(obj(d.paths))) {
    for (const [method, opRaw] of Object.entries(obj(ops))) {
      const op = obj(opRaw);
      const params = (Array.isArray(op.parameters) ? op.parameters : []).map(obj)
        .map((p) => `<li><code>${esc(p.name)}</code> <em>${esc(p.in)}</em>${p.required ? " (required)" : ""}</li>`).join("");
      const body = obj(obj(obj(obj(op.requestBody).content)["application/json"]).schema);
      const responses = Object.entries(obj(op.responses)).map(([code, r]) => `<li><code>${esc(code)}</code> ${esc(obj(r).description)}</li>`).join("");
      sections.push(`<section id="${esc(method + path)}"><h3><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code>/api${esc(path)}</code></h3>
<p>${esc(op.summary ?? "")}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ""}
${Object.keys(body).length ? `<h4>Body</h4><pre>${esc(schemaText(body, components))}</pre>` : ""}<h4>Responses</h4><ul>${responses}</ul></section>`);
    }
  }
  const info = obj(d.info);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} reference</title><link rel="stylesheet" href="/api-docs.css"></head><body><main>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${sections.join("\n")}</main></body></html>`;
}
