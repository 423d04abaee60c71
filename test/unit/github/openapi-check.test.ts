import { describe, expect, it } from 'vitest';
import { type OpenApiDocument, type Schema, schemaProblems } from '../../support/github-openapi.js';

// The checker that the stand-in's conformance rests on must itself be able to say no.
const doc: OpenApiDocument = {
  openapi: '3.0.3',
  paths: {},
  components: {
    schemas: {
      user: {
        type: 'object',
        required: ['login', 'id'],
        properties: { login: { type: 'string' }, id: { type: 'integer' } },
        nullable: true,
      },
      comment: {
        type: 'object',
        required: ['id', 'user', 'body'],
        properties: {
          id: { type: 'integer' },
          user: { $ref: '#/components/schemas/user' },
          body: { type: 'string' },
          association: { type: 'string', enum: ['OWNER', 'NONE'] },
          value: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        },
      },
    },
  },
};

const comment: Schema = { $ref: '#/components/schemas/comment' };
const good = { id: 1, user: { login: 'octocat', id: 2 }, body: 'hi', association: 'NONE', value: 3 };

describe('schemaProblems', () => {
  it('accepts a conforming value, nullable refs and extra properties', () => {
    expect(schemaProblems(doc, comment, good)).toEqual([]);
    expect(schemaProblems(doc, comment, { ...good, user: null, extra: true })).toEqual([]);
    expect(schemaProblems(doc, { type: 'array', items: comment }, [good, good])).toEqual([]);
  });

  it.each([
    ['a missing required property', { id: 1, user: null }, '$: missing required property "body"'],
    ['a wrong type', { ...good, id: '1' }, '$.id: is a string, schema wants integer'],
    [
      'a nested missing property',
      { ...good, user: { login: 'x' } },
      '$.user: missing required property "id"',
    ],
    ['a value outside the enum', { ...good, association: 'ADMIN' }, '$.association: "ADMIN" is not one of'],
    ['a value matching no alternative', { ...good, value: true }, '$.value: matches none of 2 alternatives'],
    ['null where not nullable', { ...good, body: null }, '$.body: is null'],
  ])('reports %s', (_, value, problem) => {
    expect(schemaProblems(doc, comment, value).join('\n')).toContain(problem);
  });

  it('reports problems inside array items with their index', () => {
    expect(schemaProblems(doc, { type: 'array', items: comment }, [good, { ...good, id: 1.5 }])).toEqual([
      '$[1].id: is a number, schema wants integer',
    ]);
  });
});
