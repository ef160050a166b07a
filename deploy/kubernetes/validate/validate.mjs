// Validates Kubernetes objects offline against their published schemas, as the API server would:
//   kubectl kustomize ../overlays/production | node validate.mjs --crd 043-Crd-kafkatopic.yaml --crd ... -
// - built-in kinds: the Kubernetes OpenAPI schemas, as packaged by kubernetes-models;
// - monitoring.coreos.com kinds: the Prometheus Operator's CRD schemas, by @kubernetes-models/prometheus-operator;
// - any other kind: the openAPIV3Schema of a CustomResourceDefinition given with --crd FILE (KubernetesManifestsTest
//   passes Strimzi's, from Maven Central's io.strimzi:api test jar), compiled with ajv.
// Types, formats, enums, required fields and, beyond what the packaged validators check, unknown fields: a field
// the schema does not declare is an error (the API server drops or refuses it, `kubectl apply --validate=strict`
// reports it). Prints one line per problem, `Kind/name: path: message`, and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";

const args = process.argv.slice(2);
const crdFiles = [];
let input = "-";
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--crd") crdFiles.push(args[++i]);
  else input = args[i];
}

function readYaml(text, source) {
  const docs = parseAllDocuments(text);
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

// CRD schemas, by "group/version Kind"
const crdSchemas = new Map();
const ajv = new Ajv({ strict: false, allErrors: true });

/** A structural schema declares every field: where it lists properties and keeps no unknown fields, no other is allowed. */
function closed(schema) {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const copy = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === "enum" ? value : closed(value);
  if (copy.properties && copy.additionalProperties === undefined && !copy["x-kubernetes-preserve-unknown-fields"]) {
    copy.additionalProperties = false;
  }
  return copy;
}

for (const file of crdFiles) {
  for (const crd of readYaml(readFileSync(file, "utf8"), file)) {
    if (crd.kind !== "CustomResourceDefinition") continue;
    for (const version of crd.spec.versions) {
      const schema = closed(version.schema.openAPIV3Schema);
      // metadata is the API server's: checked below with the ObjectMeta schema
      schema.properties.metadata = { type: "object" };
      crdSchemas.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
}

/**
 * The object as the validator reads it, recording which fields it looks at. The packaged validators check the
 * fields their schema declares and pass over the rest; a field never read (in an object whose fields are not
 * enumerated, as a map's are) is one the schema does not declare.
 */
function traced(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const entry = { value, path, read: new Set(), enumerated: false };
  seen.push(entry);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return child;
      entry.read.add(key);
      if (child === null || typeof child !== "object") return child;
      if (!children.has(key)) children.set(key, traced(child, `${path}.${key}`, seen));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") entry.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      entry.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(seen) {
  const unknown = [];
  for (const entry of seen) {
    if (Array.isArray(entry.value) || entry.enumerated) continue;
    for (const key of Object.keys(entry.value)) {
      if (!entry.read.has(key)) unknown.push(`${entry.path}.${key}`.replace(/^\./, ""));
    }
  }
  return unknown;
}

/** One ajv error as a line: the field's path, what is wrong with it. */
function describe(error, root) {
  const path = [root, ...error.instancePath.split("/").slice(1)].filter((part) => part !== "").join(".");
  const params = error.params || {};
  if (params.additionalProperty !== undefined) {
    return `${path ? `${path}.` : ""}${params.additionalProperty}: unknown field (not in the schema)`;
  }
  const allowed = params.allowedValues ? ` (${params.allowedValues.join(", ")})` : "";
  return `${path || "(the object)"}: ${error.message}${allowed}`;
}

/** Runs a packaged model's validator on the traced object; returns the problems. */
function validateWithModel(model, object, root) {
  const seen = [];
  const problems = [];
  try {
    model.prototype.validate.call(traced(structuredClone(object), root, seen));
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    for (const error of e.errors) problems.push(describe(error, root));
  }
  for (const field of unknownFields(seen)) problems.push(`${field}: unknown field (not in the schema)`);
  return problems;
}

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const candidates = group === "monitoring.coreos.com"
    ? [`@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`]
    : [`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`];
  for (const module of candidates) {
    try {
      const loaded = await import(module);
      if (loaded[kind]) return loaded[kind];
    } catch (e) {
      if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e;
    }
  }
  return undefined;
}

async function validateObject(object) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    return ["apiVersion and kind: missing"];
  }
  if (!object.metadata || typeof object.metadata.name !== "string") return ["metadata.name: missing"];
  const crd = crdSchemas.get(`${object.apiVersion} ${object.kind}`);
  if (crd) {
    const problems = [];
    if (!crd(object)) problems.push(...crd.errors.map((error) => describe(error, "")));
    problems.push(...validateWithModel(ObjectMeta, object.metadata, "metadata"));
    return problems;
  }
  const model = await modelFor(object.apiVersion, object.kind);
  if (!model) return [`no schema for ${object.apiVersion} ${object.kind} (give its CRD with --crd)`];
  return validateWithModel(model, object, "");
}

const text = readFileSync(input === "-" ? 0 : input, "utf8");
const objects = readYaml(text, input === "-" ? "stdin" : input);
let failures = 0;
const kinds = new Map();
for (const object of objects) {
  const name = `${object.kind}/${object.metadata && object.metadata.name}`;
  const problems = await validateObject(object);
  for (const problem of problems) console.log(`${name}: ${problem}`);
  failures += problems.length;
  kinds.set(object.kind, (kinds.get(object.kind) || 0) + 1);
}
if (objects.length === 0) {
  console.log("no objects to validate");
  process.exit(1);
}
if (failures > 0) {
  console.log(`${failures} problem(s) in ${objects.length} objects`);
  process.exit(1);
}
console.log(`${objects.length} objects valid: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}`);
