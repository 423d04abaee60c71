// GitHub's published REST description (@octokit/openapi, api.github.com) and a small checker for the part
// of JSON Schema that says what a response must contain: required properties, types, enums, nullability,
// and the allOf/anyOf/oneOf compositions GitHub's schemas use. No formats, no additionalProperties.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

interface MediaType {
  schema?: Schema;
}

interface Response {
  $ref?: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}

export interface Operation {
  operationId: string;
  externalDocs?: { url: string };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: Record<string, Record<string, unknown>>;
}

let cached: OpenApiDocument | undefined;

/** The api.github.com description, parsed once per process (13 MB). */
export function loadGitHubOpenApi(): OpenApiDocument {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    cached = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  }
  return cached;
}

export interface LocatedOperation {
  method: HttpMethod;
  path: string;
  operation: Operation;
}

export function operationById(doc: OpenApiDocument, operationId: string): LocatedOperation | undefined {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      const operation = item[method];
      if (operation?.operationId === operationId) return { method, path, operation };
    }
  }
  return undefined;
}

export function findOperation(doc: OpenApiDocument, method: string, path: string): Operation | undefined {
  return doc.paths[path]?.[method.toLowerCase() as HttpMethod];
}

/** The application/json schema the operation documents for a status, or undefined if it documents none. */
export function responseSchemaFor(
  doc: OpenApiDocument,
  operation: Operation,
  status: number,
): Schema | undefined {
  const declared = operation.responses[String(status)];
  if (!declared) return undefined;
  const response = resolve<Response>(doc, declared);
  return response.content?.['application/json']?.schema;
}

/** Every way `value` falls short of `schema`, as "$.path: problem" lines; empty when it conforms. */
export function schemaProblems(doc: OpenApiDocument, schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve<Schema>(doc, schema);

  if (s.allOf) {
    const problems = s.allOf.flatMap((part) => schemaProblems(doc, part, value, at));
    if (problems.length > 0) return problems;
  }
  for (const alternatives of [s.anyOf, s.oneOf]) {
    if (!alternatives) continue;
    const attempts = alternatives.map((part) => schemaProblems(doc, part, value, at));
    if (!attempts.some((problems) => problems.length === 0)) {
      const closest = attempts.reduce((a, b) => (b.length < a.length ? b : a));
      return [`${at}: matches none of ${alternatives.length} alternatives; closest: ${closest.join('; ')}`];
    }
  }

  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (value === null) {
    if (s.nullable || types.includes('null') || types.length === 0) return [];
    return [`${at}: is null, schema allows ${types.join('|')}`];
  }
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    return [`${at}: is ${describeType(value)}, schema wants ${types.join('|')}`];
  }
  if (s.enum && !s.enum.includes(value)) {
    return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`];
  }

  const problems: string[] = [];
  if (typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of s.required ?? []) {
      if (!Object.hasOwn(record, name)) problems.push(`${at}: missing required property "${name}"`);
    }
    for (const [name, propertySchema] of Object.entries(s.properties ?? {})) {
      if (Object.hasOwn(record, name)) {
        problems.push(...schemaProblems(doc, propertySchema, record[name], `${at}.${name}`));
      }
    }
  }
  if (Array.isArray(value) && s.items) {
    const items = s.items;
    value.forEach((item, index) => {
      problems.push(...schemaProblems(doc, items, item, `${at}[${index}]`));
    });
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function resolve<T extends { $ref?: string }>(doc: OpenApiDocument, node: T): T {
  let current = node;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 32) throw new Error(`$ref loop at ${current.$ref}`);
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let target: unknown = doc;
    for (const segment of ref.slice(2).split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[
        segment.replace(/~1/g, '/').replace(/~0/g, '~')
      ];
    }
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    current = target as T;
  }
  return current;
}
