// A validator for exactly the JSON Schema 2020-12 keywords src/report/report.schema.json uses, so the schema and
// the report cannot drift apart. Any other keyword throws: widening the schema means widening this file
// (or replacing it with ajv once that is a dev dependency).

type Schema = boolean | { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'format', '$defs', 'examples']);
const ASSERTIONS = new Set([
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'minimum',
  'maximum',
  'pattern',
  'anyOf',
  '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Returns one message per violation, each with the JSON pointer of the offending value. */
export function validate(root: Schema, value: unknown): string[] {
  const resolve = (ref: string): Schema => {
    const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
    const defs = typeof root === 'object' ? (root.$defs as Record<string, Schema> | undefined) : undefined;
    const target = match ? defs?.[match[1]!] : undefined;
    if (target === undefined) throw new Error(`unsupported or unknown $ref ${ref}`);
    return target;
  };

  const check = (schema: Schema, v: unknown, at: string, errors: string[]): void => {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${at}: not allowed`);
      return;
    }
    for (const keyword of Object.keys(schema)) {
      if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword))
        throw new Error(`unsupported keyword ${keyword} at ${at}`);
    }
    if (typeof schema.$ref === 'string') check(resolve(schema.$ref), v, at, errors);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => matchesType(v, t)))
        errors.push(`${at}: ${typeOf(v)} is not ${types.join(' or ')}`);
    }
    if ('const' in schema && v !== schema.const)
      errors.push(`${at}: ${JSON.stringify(v)} is not ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(v)) {
      errors.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    if (Array.isArray(schema.anyOf)) {
      const passing = (schema.anyOf as Schema[]).some((branch) => {
        const branchErrors: string[] = [];
        check(branch, v, at, branchErrors);
        return branchErrors.length === 0;
      });
      if (!passing) errors.push(`${at}: matches none of anyOf`);
    }
    if (typeof v === 'number' && typeof schema.minimum === 'number' && v < schema.minimum) {
      errors.push(`${at}: ${v} is below ${schema.minimum}`);
    }
    if (typeof v === 'number' && typeof schema.maximum === 'number' && v > schema.maximum) {
      errors.push(`${at}: ${v} is above ${schema.maximum}`);
    }
    if (
      typeof v === 'string' &&
      typeof schema.pattern === 'string' &&
      !new RegExp(schema.pattern, 'u').test(v)
    ) {
      errors.push(`${at}: "${v}" does not match ${schema.pattern}`);
    }
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems)
        errors.push(`${at}: fewer than ${schema.minItems} items`);
      if (schema.items !== undefined) {
        for (const [i, item] of v.entries()) check(schema.items as Schema, item, `${at}/${i}`, errors);
      }
    }
    if (typeOf(v) === 'object') {
      const object = v as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const key of (schema.required ?? []) as string[]) {
        if (!(key in object)) errors.push(`${at}: missing ${key}`);
      }
      for (const [key, child] of Object.entries(object)) {
        if (key in properties) check(properties[key]!, child, `${at}/${key}`, errors);
        else if (schema.additionalProperties !== undefined)
          check(schema.additionalProperties as Schema, child, `${at}/${key}`, errors);
      }
    }
  };

  const errors: string[] = [];
  check(root, value, '', errors);
  return errors;
}
