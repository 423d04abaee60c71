// action.yml as the tests read it: the file's text and its parsed inputs and outputs, in file order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface ActionInput {
  name: string;
  description: string;
  required: boolean;
  /** As a workflow sees it: action.yml defaults are strings; undefined when the input has none. */
  default: string | undefined;
}

export interface ActionOutput {
  name: string;
  description: string;
}

export interface ActionFile {
  text: string;
  name: string;
  runs: { using: string; main: string };
  inputs: ActionInput[];
  outputs: ActionOutput[];
}

interface RawAction {
  name: string;
  runs: { using: string; main: string };
  inputs?: Record<string, { description: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description: string }>;
}

/** action.yml, or another action's manifest in the repository (aggregate/action.yml). */
export function readActionFile(path = 'action.yml'): ActionFile {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const raw = parse(text) as RawAction;
  return {
    text,
    name: raw.name,
    runs: raw.runs,
    inputs: Object.entries(raw.inputs ?? {}).map(([name, input]) => ({
      name,
      description: input.description,
      required: input.required === true,
      default: input.default === undefined || input.default === null ? undefined : String(input.default),
    })),
    outputs: Object.entries(raw.outputs ?? {}).map(([name, output]) => ({
      name,
      description: output.description,
    })),
  };
}
