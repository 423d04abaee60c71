import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INPUT_NAMES,
  InputError,
  type InputName,
  type Inputs,
  parseInputs,
  parsePlatforms,
  secretTexts,
} from '../../../src/inputs/inputs.js';

type Raw = Partial<Record<InputName, string>>;

let root: string;
let workspace: string;
let outside: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'isg-inputs-')));
  workspace = join(root, 'repo');
  outside = join(root, 'elsewhere');
  for (const dir of [
    workspace,
    join(workspace, 'app'),
    join(workspace, 'empty'),
    join(workspace, '..build'),
    outside,
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'app', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(workspace, 'app', 'Dockerfile.prod'), 'FROM scratch\n');
  writeFileSync(join(workspace, '..build', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
  symlinkSync(outside, join(workspace, 'escape'));
  symlinkSync(join(workspace, 'app'), join(workspace, 'app-link'));
  writeFileSync(join(root, 'valid.Dockerfile'), 'FROM scratch\n');
  symlinkSync(join(outside, 'Dockerfile'), join(workspace, 'app', 'Dockerfile.linked'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function parse(raw: Raw, eventBaseRef: string | null = null): Inputs {
  return parseInputs((name) => raw[name] ?? '', { workspace, eventBaseRef });
}

function inputError(raw: Raw): InputError {
  try {
    parse(raw);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw new Error(`expected an InputError, got ${String(error)}`);
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('parseInputs: the report store', () => {
  const withEnv = (raw: Raw, env: { publishByDefault?: boolean; defaultStore?: string } = {}) =>
    parseInputs((name) => raw[name] ?? '', { workspace, eventBaseRef: null, ...env });

  it.each<[string, Raw, Partial<Inputs> | (() => Partial<Inputs>)]>([
    ['no store: auto is the old default, a build', {}, { baseline: 'build', store: null }],
    ['no store and base-image: auto is the image', { 'base-image': 'app:v1' }, { baseline: 'image' }],
    [
      'a dir store: auto, falling back to a build',
      { store: 'dir://reports' },
      () => ({
        baseline: 'auto',
        baselineFallback: 'build',
        store: { kind: 'dir', path: join(workspace, 'reports') },
      }),
    ],
    [
      'a registry store',
      { store: 'registry://localhost:5000/acme/api-size' },
      {
        store: { kind: 'registry', repository: 'localhost:5000/acme/api-size' },
      },
    ],
    [
      'the actions store, falling back to base-image',
      { store: 'actions', 'base-image': 'app:v1' },
      {
        store: { kind: 'actions' },
        baseline: 'auto',
        baselineFallback: 'image',
      },
    ],
    ['the store forced', { store: 'actions', baseline: 'store' }, { baseline: 'store' }],
    ['build kept with a store', { store: 'actions', baseline: 'build' }, { baseline: 'build' }],
    ['a store depth', { 'store-depth': '5' }, { storeDepth: 5 }],
    ['history off', { history: '0' }, { history: 0 }],
    ['publish asked for', { store: 'actions', publish: 'true' }, { publish: true }],
  ])('%s', (_, raw, expected) => {
    expect(withEnv(raw)).toMatchObject(typeof expected === 'function' ? expected() : expected);
  });

  it('publishes by default on a push to the default branch or a tag, only when a store is set', () => {
    expect(withEnv({ store: 'actions' }, { publishByDefault: true }).publish).toBe(true);
    expect(withEnv({}, { publishByDefault: true }).publish).toBe(false);
    expect(withEnv({ store: 'actions' }, { publishByDefault: false }).publish).toBe(false);
    expect(withEnv({ store: 'actions', publish: 'false' }, { publishByDefault: true }).publish).toBe(false);
  });

  it("takes the caller's default store (the CLI's) when none is set", () => {
    expect(withEnv({}, { defaultStore: 'dir://.image-size-gate/reports' }).store).toEqual({
      kind: 'dir',
      path: join(workspace, '.image-size-gate', 'reports'),
    });
  });

  it.each<[string, Raw, InputName, RegExp]>([
    [
      'an unknown store',
      { store: 's3://bucket' },
      'store',
      /not a store: write registry:\/\/HOST\/REPOSITORY, actions, or dir:\/\/PATH/,
    ],
    [
      'a registry store without a repository',
      { store: 'registry://ghcr.io' },
      'store',
      /not a registry repository/,
    ],
    ['an empty dir store', { store: 'dir://' }, 'store', /needs a path/],
    ['the store forced without one', { baseline: 'store' }, 'baseline', /needs `store` set/],
    ['a negative depth', { 'store-depth': '-1' }, 'store-depth', /from 0 to 1000/],
    ['a history that is not a count', { history: 'all' }, 'history', /from 0 to 1000/],
    ['a publish typo', { publish: 'yes please' }, 'publish', /not a boolean/],
  ])('refuses %s', (_, raw, input, message) => {
    const error = inputError(raw);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });
});

describe('parseInputs: defaults', () => {
  it('fills every input from its default when nothing is set', () => {
    expect(parse({})).toEqual({
      context: workspace,
      file: join(workspace, 'Dockerfile'),
      target: null,
      buildArgs: {},
      secrets: [],
      platforms: ['linux/amd64', 'linux/arm64'],
      builder: null,
      image: null,
      baseImage: null,
      baseRef: null,
      baseRefSet: false,
      releaseTags: 'v*',
      baseline: 'build',
      baselineFallback: 'build',
      store: null,
      publish: false,
      storeDepth: 20,
      history: 20,
      onMissingBaseline: 'warn',
      maxIncrease: null,
      maxIncreasePercent: null,
      maxSize: null,
      sizeBasis: 'uncompressed',
      mode: 'fail',
      githubToken: null,
      comment: true,
      commentKey: 'default',
      overrideLabel: null,
      summary: true,
      uploadReport: false,
      allowUntrustedBuild: false,
      registry: null,
      reportFile: null,
      markdownFile: null,
    } satisfies Inputs);
  });

  it('treats whitespace-only values as unset (action inputs arrive as strings)', () => {
    const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, '  '])) as Raw;
    expect(parse(blank)).toEqual(parse({}));
  });

  it('takes the base branch from the event unless `base-ref` is set', () => {
    expect(parse({}, 'main').baseRef).toBe('main');
    expect(parse({ 'base-ref': 'release/1.x' }, 'main').baseRef).toBe('release/1.x');
    expect(parse({}, 'main').baseRefSet).toBe(false);
    expect(parse({ 'base-ref': 'release/1.x' }, 'main').baseRefSet).toBe(true);
  });

  it('takes on-missing-baseline as fail, warn or pass, and refuses anything else naming the input', () => {
    expect(parse({ 'on-missing-baseline': 'fail' }).onMissingBaseline).toBe('fail');
    expect(parse({ 'on-missing-baseline': 'pass' }).onMissingBaseline).toBe('pass');
    expect(() => parse({ 'on-missing-baseline': 'ignore' })).toThrow(
      'input `on-missing-baseline`: "ignore" is not one of fail | warn | pass',
    );
  });

  it('reads only the inputs it knows, each by its action.yml name', () => {
    const asked = new Set<string>();
    parseInputs(
      (name) => {
        asked.add(name);
        return '';
      },
      { workspace, eventBaseRef: null },
    );
    for (const name of asked) expect(INPUT_NAMES).toContain(name);
  });
});

describe('parseInputs: values', () => {
  it('resolves `context` against the workspace and `file` against the workspace too', () => {
    const inputs = parse({ context: 'app' });
    expect(inputs.context).toBe(join(workspace, 'app'));
    expect(inputs.file).toBe(join(workspace, 'app', 'Dockerfile'));
    expect(parse({ context: 'app', file: 'app/Dockerfile.prod' }).file).toBe(
      join(workspace, 'app', 'Dockerfile.prod'),
    );
    expect(parse({ context: './app/' }).context).toBe(join(workspace, 'app'));
    expect(parse({ context: join(workspace, 'app') }).context).toBe(join(workspace, 'app'));
  });

  it('accepts a folder whose name starts with ".." inside the workspace, and a link that stays inside', () => {
    expect(parse({ context: '..build' }).context).toBe(join(workspace, '..build'));
    expect(parse({ context: 'app-link' }).context).toBe(join(workspace, 'app-link'));
  });

  it('parses multi-line build args: blank lines, comments and CRLF skipped, "=" and empty values kept', () => {
    const inputs = parse({
      'build-args': 'GO_VERSION=1.24\r\n\n  # a comment\nLDFLAGS=-s -w\nEQ=a=b\nEMPTY=\n_X1=y\n',
    });
    expect(inputs.buildArgs).toEqual({
      GO_VERSION: '1.24',
      LDFLAGS: '-s -w',
      EQ: 'a=b',
      EMPTY: '',
      _X1: 'y',
    });
  });

  it('keeps secret specs as written, one per line', () => {
    expect(parse({ secrets: 'id=npmrc,src=/home/me/.npmrc\n\n  id=token,env=GH_TOKEN  \n' }).secrets).toEqual(
      ['id=npmrc,src=/home/me/.npmrc', 'id=token,env=GH_TOKEN'],
    );
  });

  it('names a secrets line that is not a spec by its number and the expected form, never its text', () => {
    for (const bad of ['NPM_TOKEN=s3cr3t-value', 'id=x,s3cr3t-value', 'env=ONLY_ENV', 'token=s3cr3t-value']) {
      const error = inputError({ secrets: `id=ok,env=OK\n\n${bad}` });
      expect(error.input).toBe('secrets');
      expect(error.message).toContain('line 3 ');
      expect(error.message).toContain('id=NAME,env=VAR or id=NAME,src=PATH');
      expect(error.message).not.toContain('s3cr3t');
      expect(error.message).not.toContain(bad);
    }
    expect(
      parse({ secrets: 'id=a\ntype=env,id=b,env=B\nid=c,source=/f,required=true' }).secrets,
    ).toHaveLength(3);
  });

  it('lists every text a secrets line may reveal, for masking', () => {
    const texts = secretTexts(
      'NPM_TOKEN=npm-value\nid=gh,env=GH_TOKEN\nid=SOLO\nid=file,src=/run/secret\n',
      { GH_TOKEN: 'gh-value', SOLO: 'solo-value\nsecond line' },
      (path) => (path === '/run/secret' ? 'file-value\n' : null),
    );
    expect(texts).toEqual(
      expect.arrayContaining([
        'NPM_TOKEN=npm-value',
        'npm-value',
        'id=gh,env=GH_TOKEN',
        'gh-value',
        'solo-value\nsecond line',
        'solo-value',
        'second line',
        'file-value\n',
        'file-value',
      ]),
    );
    // The ids and variable names are not secrets: masking them would blank common words in the log.
    expect(texts).not.toContain('gh');
    expect(texts).not.toContain('GH_TOKEN');
  });

  it('parses platforms separated by commas, spaces or newlines, without duplicates', () => {
    expect(parse({ platforms: 'linux/arm64' }).platforms).toEqual(['linux/arm64']);
    expect(parse({ platforms: 'linux/amd64, linux/arm64\nlinux/amd64' }).platforms).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(parsePlatforms('linux/arm/v7 linux/386')).toEqual(['linux/arm/v7', 'linux/386']);
  });

  it.each([
    ['5MB', 5_000_000],
    ['512KiB', 524_288],
    ['0', 0],
    ['1048576', 1_048_576],
    ['1.5 mb', 1_500_000],
  ])('max-increase and max-size %j are %d bytes', (text, bytes) => {
    const inputs = parse({ 'max-increase': text, 'max-size': text });
    expect(inputs.maxIncrease).toBe(bytes);
    expect(inputs.maxSize).toBe(bytes);
  });

  it('reads every choice input whatever its case, as it reads booleans', () => {
    expect(
      parse({ baseline: 'None', 'on-missing-baseline': 'FAIL', 'size-basis': 'Compressed', mode: 'Warn' }),
    ).toMatchObject({ baseline: 'none', onMissingBaseline: 'fail', sizeBasis: 'compressed', mode: 'warn' });
  });

  it('reads the percentage, the basis and the mode', () => {
    expect(parse({ 'max-increase-percent': '2.5%' }).maxIncreasePercent).toBe(2.5);
    expect(parse({ 'max-increase-percent': '10' }).maxIncreasePercent).toBe(10);
    expect(parse({ 'size-basis': 'compressed', mode: 'warn' })).toMatchObject({
      sizeBasis: 'compressed',
      mode: 'warn',
    });
  });

  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['yes', true],
    ['1', true],
    ['on', true],
    ['false', false],
    ['False', false],
    ['no', false],
    ['0', false],
    ['off', false],
  ])('boolean %j is %s', (text, value) => {
    const inputs = parse({ comment: text, summary: text, 'allow-untrusted-build': text });
    expect(inputs.comment).toBe(value);
    expect(inputs.summary).toBe(value);
    expect(inputs.allowUntrustedBuild).toBe(value);
  });

  it('implies `baseline: image` from `base-image`, and measures a given image without a Dockerfile', () => {
    expect(parse({ 'base-image': 'localhost:5000/app:main' })).toMatchObject({
      baseline: 'image',
      baseImage: 'localhost:5000/app:main',
    });
    // Release gating: a given image and a cap, no baseline to build.
    const release = parse({ context: 'empty', image: 'localhost:5000/app:v2', 'max-size': '50MB' });
    expect(release).toMatchObject({ image: 'localhost:5000/app:v2', baseline: 'none', maxSize: 50_000_000 });
  });

  it('keeps the remaining optional strings', () => {
    expect(
      parse({
        target: 'runtime',
        builder: 'isg',
        'github-token': 'ghs_x',
        'comment-key': 'api.v2_gate-1',
        registry: 'localhost:5000/my-service',
        'report-file': 'out/report.json',
        'markdown-file': 'out/report.md',
      }),
    ).toMatchObject({
      target: 'runtime',
      builder: 'isg',
      githubToken: 'ghs_x',
      commentKey: 'api.v2_gate-1',
      registry: 'localhost:5000/my-service',
      reportFile: 'out/report.json',
      markdownFile: 'out/report.md',
    });
  });
});

describe('parseInputs: each bad input is one line that names the input and the fix', () => {
  // [what is wrong, the raw inputs, the input named, what the line must say]
  const cases: [string, () => Raw, InputName, RegExp][] = [
    [
      'an unknown unit',
      () => ({ 'max-increase': '5XB' }),
      'max-increase',
      /"5XB" has an unknown unit "XB": use B, KB, MB.*KiB, MiB/,
    ],
    [
      'a negative size',
      () => ({ 'max-increase': '-1MB' }),
      'max-increase',
      /"-1MB" is negative: .*0 or more, e.g. 5MB/,
    ],
    ['a negative cap', () => ({ 'max-size': '-1MB' }), 'max-size', /"-1MB" is negative/],
    [
      'a size with no number',
      () => ({ 'max-size': 'big' }),
      'max-size',
      /"big" is not a size: write .* e\.g\. 5MB/,
    ],
    [
      'a fraction of a byte',
      () => ({ 'max-increase': '0.5' }),
      'max-increase',
      /not a whole number of bytes/,
    ],
    [
      'a percentage that is not a number',
      () => ({ 'max-increase-percent': 'ten' }),
      'max-increase-percent',
      /"ten" is not a percentage: .*e\.g\. 10/,
    ],
    [
      'a negative percentage',
      () => ({ 'max-increase-percent': '-5' }),
      'max-increase-percent',
      /is not a percentage/,
    ],
    [
      'linux/arm without a variant',
      () => ({ platforms: 'linux/arm' }),
      'platforms',
      /"linux\/arm" needs a variant: write linux\/arm\/v7/,
    ],
    [
      'an unknown platform',
      () => ({ platforms: 'linux/amd64,windows/amd64' }),
      'platforms',
      /"windows\/amd64" is not a platform .*linux\/amd64, linux\/arm64/,
    ],
    [
      'a misspelt platform',
      () => ({ platforms: 'linux/x86_64' }),
      'platforms',
      /"linux\/x86_64" is not a platform/,
    ],
    [
      'no platforms at all',
      () => ({ platforms: ' , ' }),
      'platforms',
      /is empty: list one or more platforms/,
    ],
    [
      'a missing Dockerfile',
      () => ({ file: 'nope/Dockerfile' }),
      'file',
      /no Dockerfile at .*nope\/Dockerfile: set `file` to your Dockerfile's path, or `image`/,
    ],
    [
      'a context without a Dockerfile',
      () => ({ context: 'empty' }),
      'file',
      /no Dockerfile at .*empty\/Dockerfile: set `file`/,
    ],
    ['a Dockerfile that is a folder', () => ({ file: 'app' }), 'file', /no Dockerfile at .*app: set `file`/],
    [
      'a system file as `file`',
      () => ({ file: '/etc/passwd' }),
      'file',
      /"\/etc\/passwd" resolves to \/etc\/passwd, outside the workspace .*: use a path inside the repository/,
    ],
    [
      'a Dockerfile above the workspace (one that exists, so nothing else would stop it)',
      () => ({ file: '../valid.Dockerfile' }),
      'file',
      /"\.\.\/valid\.Dockerfile" resolves to .*valid\.Dockerfile, outside the workspace/,
    ],
    [
      '`file` through a symlinked folder that leads out',
      () => ({ file: 'escape/Dockerfile' }),
      'file',
      /"escape\/Dockerfile" is a link to .*elsewhere\/Dockerfile, outside the workspace/,
    ],
    [
      '`file` that is a symlink leading out',
      () => ({ context: 'app', file: 'app/Dockerfile.linked' }),
      'file',
      /"app\/Dockerfile\.linked" is a link to .*elsewhere\/Dockerfile, outside the workspace/,
    ],
    [
      '`file` outside the workspace even when `image` is set',
      () => ({ image: 'busybox', file: '/etc/passwd' }),
      'file',
      /outside the workspace/,
    ],
    [
      'a context above the workspace',
      () => ({ context: '../elsewhere' }),
      'context',
      /"\.\.\/elsewhere" resolves to .*elsewhere, outside the workspace .*: use a path inside the repository/,
    ],
    ["the workspace's parent", () => ({ context: '..' }), 'context', /outside the workspace/],
    [
      'an absolute context elsewhere',
      () => ({ context: outside }),
      'context',
      /resolves to .*elsewhere, outside the workspace .*: use a path inside the repository/,
    ],
    [
      'an absolute system path',
      () => ({ context: '/etc' }),
      'context',
      /"\/etc" resolves to \/etc, outside the workspace/,
    ],
    [
      'a link out of the workspace',
      () => ({ context: 'escape' }),
      'context',
      /"escape" is a link to .*elsewhere, outside the workspace .*: use a path inside the repository/,
    ],
    [
      'a context that does not exist',
      () => ({ context: 'missing' }),
      'context',
      /missing is not a directory: point it at the folder that holds your Dockerfile/,
    ],
    [
      'a build arg without "="',
      () => ({ 'build-args': 'GO_VERSION=1.24\nNOVALUE' }),
      'build-args',
      /"NOVALUE" has no value: write KEY=VALUE \(KEY= for an empty value\)/,
    ],
    [
      'a build arg with a bad key',
      () => ({ 'build-args': '1BAD=x' }),
      'build-args',
      /"1BAD=x" is not KEY=VALUE: write one build argument per line/,
    ],
    ['a build arg with no key', () => ({ 'build-args': '=x' }), 'build-args', /"=x" is not KEY=VALUE/],
    [
      'a build arg key with a space',
      () => ({ 'build-args': 'MY KEY=x' }),
      'build-args',
      /"MY KEY=x" is not KEY=VALUE/,
    ],
    [
      'baseline image without base-image',
      () => ({ baseline: 'image' }),
      'baseline',
      /`baseline: image` needs `base-image` set/,
    ],
    [
      'an image with a built baseline but nothing to build it from',
      () => ({ image: 'localhost:5000/app:v2', baseline: 'build' }),
      'baseline',
      /`image` is set, so the head is not built here: set `base-image` .* or `baseline: none`/,
    ],
    [
      'an unknown baseline',
      () => ({ baseline: 'sometimes' }),
      'baseline',
      /"sometimes" is not one of auto \| store \| build \| image \| none/,
    ],
    [
      'a boolean comment that is not a boolean',
      () => ({ comment: 'maybe' }),
      'comment',
      /"maybe" is not a boolean: write true or false/,
    ],
    [
      'a boolean summary that is not a boolean',
      () => ({ summary: 'nope' }),
      'summary',
      /"nope" is not a boolean: write true or false/,
    ],
    [
      'allow-untrusted-build that is not a boolean',
      () => ({ 'allow-untrusted-build': 'yes please' }),
      'allow-untrusted-build',
      /"yes please" is not a boolean/,
    ],
    [
      'an unknown size basis',
      () => ({ 'size-basis': 'disk' }),
      'size-basis',
      /"disk" is not one of .*uncompressed.*compressed/,
    ],
    ['an unknown mode', () => ({ mode: 'strict' }), 'mode', /"strict" is not one of .*fail.*warn/],
    [
      'a comment key with spaces',
      () => ({ 'comment-key': 'my gate' }),
      'comment-key',
      /"my gate" must be 1-64 letters, digits/,
    ],
    [
      "a comment key with '--' (its marker would be a-b's)",
      () => ({ 'comment-key': 'a--b' }),
      'comment-key',
      /"a--b" has '--' or a '-' at an end.*e\.g\. "a-b"/,
    ],
    ["a comment key that starts with '-'", () => ({ 'comment-key': '-api' }), 'comment-key', /e\.g\. "api"/],
    ["a comment key that ends with '-'", () => ({ 'comment-key': 'api-' }), 'comment-key', /'-' at an end/],
    [
      'a registry that is not a repository',
      () => ({ registry: 'Not A Repo' }),
      'registry',
      /"Not A Repo" is not a repository: write HOST\[:PORT\]\/NAME/,
    ],
    [
      'a registry with a digest',
      () => ({ registry: 'localhost:5000/app@sha256:00' }),
      'registry',
      /is not a repository/,
    ],
  ];

  it.each(cases)('%s', (_what, raw, input, says) => {
    const error = inputError(raw());
    expect(error.input).toBe(input);
    expect(error.message.startsWith(`input \`${input}\`: `)).toBe(true);
    expect(error.message).toMatch(says);
    expect(error.message).not.toContain('\n');
  });

  it('reports the context before anything that depends on it', () => {
    expect(inputError({ context: '../elsewhere', file: 'nope', 'max-increase': '5XB' }).input).toBe(
      'context',
    );
  });
});
