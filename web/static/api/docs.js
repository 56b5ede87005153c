// A browsable view of the OpenAPI document, built from our own files (no third-party UI is loaded).
"use strict";

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  children.flat().forEach((child) => node.append(child instanceof Node ? child : document.createTextNode(String(child))));
  return node;
}

function schemaName(schema) {
  return schema && schema.$ref ? schema.$ref.split("/").pop() : JSON.stringify(schema || {});
}

function schemaLink(schema) {
  const name = schemaName(schema);
  return schema && schema.$ref ? element("a", { href: `#schema-${name}` }, name) : element("code", {}, name);
}

function operationView(path, method, operation) {
  const body = [element("p", {}, operation.summary || "")];
  if ((operation.parameters || []).length) {
    const rows = operation.parameters.map((p) =>
      element("tr", {}, element("td", {}, element("code", {}, p.name)), element("td", {}, p.in),
        element("td", {}, p.required ? "required" : ""), element("td", {}, p.description || JSON.stringify(p.schema))));
    body.push(element("table", {}, element("tr", {}, ["name", "in", "", "about"].map((h) => element("th", {}, h))), rows));
  }
  if (operation.requestBody) {
    body.push(element("p", {}, "Body: ", schemaLink(operation.requestBody.content["application/json"].schema)));
  }
  const answers = Object.entries(operation.responses).map(([status, answer]) => {
    const content = answer.content && answer.content["application/json"];
    return element("li", {}, element("code", {}, status), " ", answer.description, content ? [" ", schemaLink(content.schema)] : []);
  });
  body.push(element("ul", {}, answers));
  return element("details", { id: `op-${operation.operationId}` },
    element("summary", {}, element("span", { class: "method" }, method.toUpperCase()), element("span", { class: "path" }, path)),
    body);
}

async function show() {
  const response = await fetch("/api/v1/openapi.json");
  const api = await response.json();
  document.getElementById("title").textContent = `${api.info.title} ${api.info.version}`;
  document.getElementById("introduction").append(element("pre", {}, api.info.description || ""));
  const byTag = {};
  Object.entries(api.paths).forEach(([path, methods]) => Object.entries(methods).forEach(([method, operation]) => {
    (byTag[operation.tags[0]] = byTag[operation.tags[0]] || []).push(operationView(path, method, operation));
  }));
  const operations = document.getElementById("operations");
  operations.replaceChildren();
  Object.keys(byTag).sort().forEach((tag) => {
    document.getElementById("tags").append(element("a", { href: `#tag-${tag}` }, tag), " ");
    operations.append(element("h2", { id: `tag-${tag}` }, tag), byTag[tag]);
  });
  Object.entries(api.components.schemas).forEach(([name, schema]) => {
    document.getElementById("schemas").append(
      element("details", { id: `schema-${name}` }, element("summary", {}, name), element("pre", {}, JSON.stringify(schema, null, 2))));
  });
}

show();
