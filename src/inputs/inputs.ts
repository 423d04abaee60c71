// The one Inputs object: every action input and CLI flag (they share names) parsed and validated once.
// Errors name the input and say how to fix it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { BuildOptions } from '../buildx/argv.js';
import type { GateMode, MissingBaselinePolicy, Platform, SizeBasis } from '../core/model.js';
import { InputError, type InputName, oneOf } from './input-error.js';
import { parseThresholds } from './thresholds.js';

export { INPUT_NAMES, InputError, type InputName } from './input-error.js';

/** auto: the store first, then base-image, then a build; store: the store only. */
export type BaselineMode = 'auto' | 'store' | 'build' | 'image' | 'none';

/** Where reports are kept across runs (the `store` input). */
export type StoreSpec =
  | { kind: 'dir'; path: string }
  | { kind: 'registry'; repository: string }
  | { kind: 'actions' };
export type { GateMode };

export interface Inputs extends BuildOptions {
  /** Measure this image instead of building the head. */
  image: string | null;
  baseImage: string | null;
  baseRef: string | null;
  /** The base-ref input was given (not defaulted from the event or the local branch): it wins. */
  baseRefSet: boolean;
  /** The glob of tags that are releases, for the previous release (`v*`). */
  releaseTags: string;
  baseline: BaselineMode;
  /** What `baseline: auto` falls back to when the store has no report: base-image, else a build. */
  baselineFallback: 'build' | 'image' | 'none';
  store: StoreSpec | null;
  /** Store this run's report (never on a pull request). */
  publish: boolean;
  /** First-parent ancestors of the base commit whose stored report may stand in for it. */
  storeDepth: number;
  /** How many of the base branch's first-parent commits the size history reads from the store; 0: none. */
  history: number;
  onMissingBaseline: MissingBaselinePolicy;
  maxIncrease: number | null;
  maxIncreasePercent: number | null;
  maxSize: number | null;
  sizeBasis: SizeBasis;
  mode: GateMode;
  githubToken: string | null;
  comment: boolean;
  commentKey: string;
  /** A failing verdict passes as `overridden` when this label was last applied by someone who may write. */
  overrideLabel: string | null;
  summary: boolean;
  /** Upload the JSON report as a workflow artifact for the aggregator. */
  uploadReport: boolean;
  allowUntrustedBuild: boolean;
  /** A repository (e.g. localhost:5000/app) the classic-store build pushes to, for exact compressed sizes. */
  registry: string | null;
  reportFile: string | null;
  markdownFile: string | null;
}

/** Reads one raw input; "" when unset. */
export type InputSource = (name: InputName) => string;

export interface ParseEnvironment {
  /** The directory paths are resolved against and must stay inside (GITHUB_WORKSPACE or the current directory). */
  workspace: string;
  /** The pull request's base branch, when the event has one. */
  eventBaseRef: string | null;
  /** `publish`'s default when a store is set: a push to the default branch or a tag. Default false. */
  publishByDefault?: boolean;
  /** The store when `store` is unset (the CLI's .image-size-gate/reports); default none. */
  defaultStore?: string;
}

const KNOWN_PLATFORMS = new Set([
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
]);

export function parseInputs(read: InputSource, env: ParseEnvironment): Inputs {
  const text = (name: InputName) => read(name).trim();
  const optional = (name: InputName) => text(name) || null;

  const workspace = resolve(env.workspace);
  const context = insideWorkspace('context', text('context') || '.', workspace);
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(
      'context',
      `${context} is not a directory: point it at the folder that holds your Dockerfile`,
    );
  }
  // Checked before anything reads or builds it, in the same way as context: the file is read and printed.
  const image = optional('image');
  const fileInput = text('file');
  const file = fileInput ? insideWorkspace('file', fileInput, workspace) : resolve(context, 'Dockerfile');
  if (!image && !(existsSync(file) && statSync(file).isFile())) {
    throw new InputError(
      'file',
      `no Dockerfile at ${file}: set \`file\` to your Dockerfile's path, or \`image\` to measure an image built earlier`,
    );
  }
  if (!fileInput && existsSync(file)) insideWorkspace('file', file, workspace);

  const baseImage = optional('base-image');
  const store = parseStore(text('store') || env.defaultStore || '', workspace);
  // Without a store, auto is what it falls back to: base-image when given; a given head image alone has
  // nothing to build a base from; else a build.
  const baselineFallback = baseImage ? 'image' : image ? 'none' : 'build';
  const asked = oneOf('baseline', text('baseline') || 'auto', [
    'auto',
    'store',
    'build',
    'image',
    'none',
  ] as const);
  const baseline = asked === 'auto' && !store ? baselineFallback : asked;
  if (baseline === 'store' && !store) {
    throw new InputError('baseline', '`baseline: store` needs `store` set to where the reports are kept');
  }
  if (baseline === 'image' && !baseImage) {
    throw new InputError(
      'baseline',
      '`baseline: image` needs `base-image` set to the image to compare against',
    );
  }
  if (baseline === 'build' && image && !baseImage) {
    // Measuring a given head image while building the base would compare two different pipelines.
    throw new InputError(
      'baseline',
      '`image` is set, so the head is not built here: set `base-image` (and `baseline: image`) or `baseline: none`',
    );
  }

  return {
    context,
    file,
    target: optional('target'),
    buildArgs: parseBuildArgs(read('build-args')),
    secrets: parseSecrets(read('secrets')),
    platforms: parsePlatforms(text('platforms') || 'linux/amd64,linux/arm64'),
    builder: optional('builder'),
    image,
    baseImage,
    baseRef: optional('base-ref') ?? env.eventBaseRef,
    baseRefSet: optional('base-ref') !== null,
    releaseTags: text('release-tags') || 'v*',
    baseline,
    baselineFallback,
    store,
    publish: bool('publish', text('publish'), store !== null && env.publishByDefault === true),
    storeDepth: parseStoreDepth(text('store-depth')),
    history: parseCommitCount('history', text('history')),
    onMissingBaseline: oneOf('on-missing-baseline', text('on-missing-baseline') || 'warn', [
      'fail',
      'warn',
      'pass',
    ] as const),
    ...thresholds(text),
    githubToken: optional('github-token'),
    comment: bool('comment', text('comment'), true),
    commentKey: parseCommentKey(text('comment-key') || 'default'),
    overrideLabel: parseLabel(text('override-label')),
    summary: bool('summary', text('summary'), true),
    uploadReport: bool('upload-report', text('upload-report'), false),
    allowUntrustedBuild: bool('allow-untrusted-build', text('allow-untrusted-build'), false),
    registry: parseRegistry(text('registry')),
    reportFile: optional('report-file'),
    markdownFile: optional('markdown-file'),
  };
}

/** value resolved against the workspace; refused when it, or the real path a link leads to, is outside. */
function insideWorkspace(name: 'context' | 'file', value: string, workspace: string): string {
  const path = resolve(workspace, value);
  if (!isInside(workspace, path)) {
    throw new InputError(
      name,
      `"${value}" resolves to ${path}, outside the workspace ${workspace}: use a path inside the repository`,
    );
  }
  // A symlink inside the repository (or a link on the way to it) can still lead out of it.
  const real = realpathOrNull(path);
  if (real !== null && !isInside(realpathSync(workspace), real)) {
    throw new InputError(
      name,
      `"${value}" is a link to ${real}, outside the workspace ${workspace}: use a path inside the repository`,
    );
  }
  return path;
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  // "..build" is a folder inside; only ".." itself or "../…" leads out.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function parseBuildArgs(value: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of lines(value)) {
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError(
        'build-args',
        `"${line}" is not KEY=VALUE: write one build argument per line, e.g. GO_VERSION=1.24`,
      );
    }
    if (eq < 0) {
      throw new InputError('build-args', `"${line}" has no value: write KEY=VALUE (KEY= for an empty value)`);
    }
    args[key] = line.slice(eq + 1);
  }
  return args;
}

export function parsePlatforms(value: string): Platform[] {
  const platforms = value
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (platforms.length === 0) {
    throw new InputError('platforms', 'is empty: list one or more platforms, e.g. linux/amd64,linux/arm64');
  }
  for (const platform of platforms) {
    if (platform === 'linux/arm') {
      throw new InputError('platforms', '"linux/arm" needs a variant: write linux/arm/v7 (or linux/arm/v6)');
    }
    if (!KNOWN_PLATFORMS.has(platform)) {
      throw new InputError(
        'platforms',
        `"${platform}" is not a platform BuildKit builds here: use os/arch[/variant] from ${[...KNOWN_PLATFORMS].join(', ')}`,
      );
    }
  }
  return [...new Set(platforms)];
}

function thresholds(text: (name: InputName) => string) {
  const t = parseThresholds(text);
  return {
    maxIncrease: t.maxIncrease,
    maxIncreasePercent: t.maxIncreasePercent,
    maxSize: t.maxSize,
    sizeBasis: t.basis,
    mode: t.mode,
  };
}

function bool(name: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (/^(true|yes|1|on)$/i.test(value)) return true;
  if (/^(false|no|0|off)$/i.test(value)) return false;
  throw new InputError(name, `"${value}" is not a boolean: write true or false`);
}

export function parseCommentKey(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new InputError('comment-key', `"${value}" must be 1-64 letters, digits, '.', '_' or '-'`);
  }
  // The comment's marker folds dashes (an HTML comment may not hold "--"): keys it would fold into one
  // another's marker are refused, so two gates never update each other's comment.
  if (/--|^-|-$/.test(value)) {
    throw new InputError(
      'comment-key',
      `"${value}" has '--' or a '-' at an end, which the comment marker cannot keep apart from other keys: use single dashes inside, e.g. ${JSON.stringify(value.replace(/-+/g, '-').replace(/^-|-$/g, '') || 'default')}`,
    );
  }
  return value;
}

/** The `store` input: registry://HOST/REPOSITORY, actions or dir://PATH (relative to the workspace). */
export function parseStore(value: string, workspace: string): StoreSpec | null {
  if (value === '') return null;
  if (value === 'actions') return { kind: 'actions' };
  if (value.startsWith('dir://')) {
    const path = value.slice('dir://'.length);
    if (path === '')
      throw new InputError('store', '`dir://` needs a path, e.g. dir://.image-size-gate/reports');
    return { kind: 'dir', path: resolve(workspace, path) };
  }
  if (value.startsWith('registry://')) {
    const repository = value.slice('registry://'.length);
    if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(repository)) {
      throw new InputError(
        'store',
        `"${value}" is not a registry repository: write registry://HOST[:PORT]/NAME, e.g. registry://ghcr.io/acme/api-size`,
      );
    }
    return { kind: 'registry', repository };
  }
  throw new InputError(
    'store',
    `"${value}" is not a store: write registry://HOST/REPOSITORY, actions, or dir://PATH`,
  );
}

function parseStoreDepth(value: string): number {
  return parseCommitCount('store-depth', value);
}

function parseCommitCount(name: InputName, value: string): number {
  if (value === '') return 20;
  if (!/^\d+$/.test(value) || Number(value) > 1000) {
    throw new InputError(name, `"${value}" is not a number of commits from 0 to 1000`);
  }
  return Number(value);
}

// GitHub's limit on a label's name.
function parseLabel(value: string): string | null {
  if (value === '') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (Array.from(value).length > 50 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InputError('override-label', `"${value}" is not a label name: at most 50 characters, one line`);
  }
  return value;
}

function parseRegistry(value: string): string | null {
  if (value === '') return null;
  if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(value) || value.includes('@')) {
    throw new InputError(
      'registry',
      `"${value}" is not a repository: write HOST[:PORT]/NAME, e.g. localhost:5000/my-service`,
    );
  }
  return value;
}

const SECRET_FORM = 'write id=NAME,env=VAR or id=NAME,src=PATH (buildx --secret)';
const SECRET_KEYS = new Set(['id', 'type', 'env', 'src', 'source', 'required']);

/**
 * buildx --secret specs, one a line. A line that is not one (e.g. NPM_TOKEN=value, copied from other
 * actions) is named by its number only: its text may be the secret itself.
 */
function parseSecrets(value: string): string[] {
  const specs: string[] = [];
  value.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const keys = line
      .split(',')
      .map((field) => (field.includes('=') ? field.slice(0, field.indexOf('=')) : ''));
    const ok = keys.every((key) => SECRET_KEYS.has(key.trim())) && keys.some((key) => key.trim() === 'id');
    if (!ok) throw new InputError('secrets', `line ${index + 1} is not a secret spec: ${SECRET_FORM}`);
    specs.push(line);
  });
  return specs;
}

/**
 * Every text the `secrets` input may reveal, to be masked before anything is printed: each line whole,
 * the value of a field that is not a spec key (NPM_TOKEN=value), the values of the environment variables
 * it names (env=VAR, or id=NAME alone) and the content of the files it names (src=PATH); each line of a
 * multi-line value is masked on its own as well.
 */
export function secretTexts(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string | null = () => null,
): string[] {
  const texts = new Set<string>();
  const add = (text: string | null | undefined) => {
    if (!text?.trim()) return;
    texts.add(text);
    for (const line of text.split(/\r?\n/)) if (line.trim()) texts.add(line.trim());
  };
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    add(line);
    const fields = new Map<string, string>();
    for (const field of line.split(',')) {
      const eq = field.indexOf('=');
      if (eq < 0) continue;
      const key = field.slice(0, eq).trim();
      const fieldValue = field.slice(eq + 1).trim();
      if (SECRET_KEYS.has(key)) fields.set(key, fieldValue);
      else add(fieldValue);
    }
    const envName =
      fields.get('env') ?? (fields.has('src') || fields.has('source') ? null : fields.get('id'));
    if (envName) add(env[envName]);
    const src = fields.get('src') ?? fields.get('source');
    if (src) add(readFile(src));
  }
  return [...texts];
}
