import { describe, expect, it } from 'vitest';
import { type BuildSpec, buildxArgv, printableArgv } from '../../../src/buildx/argv.js';

function spec(overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context: '/work/app',
    file: '/work/app/Dockerfile',
    target: null,
    buildArgs: {},
    secrets: [],
    platforms: ['linux/amd64', 'linux/arm64'],
    builder: null,
    output: { kind: 'oci-dir', dest: '/tmp/isg/oci' },
    metadataFile: '/tmp/isg/all.metadata.json',
    iidFile: null,
    ...overrides,
  };
}

/** The value that follows each occurrence of `flag`. */
function valuesOf(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1]!] : []));
}

describe('buildxArgv', () => {
  it('builds every platform into an OCI layout directory', () => {
    expect(buildxArgv(spec())).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--file',
      '/work/app/Dockerfile',
      '--platform',
      'linux/amd64,linux/arm64',
      '--output',
      'type=oci,dest=/tmp/isg/oci,tar=false',
      '--provenance=mode=min',
      '--metadata-file',
      '/tmp/isg/all.metadata.json',
      '/work/app',
    ]);
  });

  it('builds one platform into the image store, with an iidfile, pushing when asked', () => {
    const loaded = buildxArgv(
      spec({
        platforms: ['linux/arm64'],
        output: { kind: 'image', name: 'image-size-gate/head:linux-arm64', push: false },
        metadataFile: '/tmp/isg/linux-arm64.metadata.json',
        iidFile: '/tmp/isg/linux-arm64.iid',
      }),
    );
    expect(loaded).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--file',
      '/work/app/Dockerfile',
      '--platform',
      'linux/arm64',
      '--output',
      'type=image,name=image-size-gate/head:linux-arm64,push=false',
      '--metadata-file',
      '/tmp/isg/linux-arm64.metadata.json',
      '--iidfile',
      '/tmp/isg/linux-arm64.iid',
      '/work/app',
    ]);
    const pushed = buildxArgv(
      spec({ output: { kind: 'image', name: 'localhost:5000/app:isg-head-linux-amd64', push: true } }),
    );
    expect(valuesOf(pushed, '--output')).toEqual([
      'type=image,name=localhost:5000/app:isg-head-linux-amd64,push=true',
    ]);
  });

  it('passes each build argument as its own --build-arg, values verbatim', () => {
    const argv = buildxArgv(
      spec({ buildArgs: { GO_VERSION: '1.24', EMPTY: '', LDFLAGS: '-s -w', EQ: 'a=b', QUOTE: "it's" } }),
    );
    expect(valuesOf(argv, '--build-arg')).toEqual([
      'GO_VERSION=1.24',
      'EMPTY=',
      'LDFLAGS=-s -w',
      'EQ=a=b',
      "QUOTE=it's",
    ]);
  });

  it('passes --target and --builder only when set', () => {
    const plain = buildxArgv(spec());
    expect(plain).not.toContain('--target');
    expect(plain).not.toContain('--builder');
    const argv = buildxArgv(spec({ target: 'runtime', builder: 'isg-container' }));
    expect(valuesOf(argv, '--target')).toEqual(['runtime']);
    expect(valuesOf(argv, '--builder')).toEqual(['isg-container']);
    // --builder is a global buildx option: it must come right after `buildx build`, before the context.
    expect(argv.indexOf('--builder')).toBeLessThan(argv.indexOf('--file'));
    expect(argv.at(-1)).toBe('/work/app');
  });

  it('passes each secret spec as its own --secret', () => {
    const argv = buildxArgv(spec({ secrets: ['id=npmrc,src=/home/me/.npmrc', 'id=token,env=GH_TOKEN'] }));
    expect(valuesOf(argv, '--secret')).toEqual(['id=npmrc,src=/home/me/.npmrc', 'id=token,env=GH_TOKEN']);
  });

  it('keeps the context as the last argument whatever else is set', () => {
    const argv = buildxArgv(
      spec({
        target: 't',
        builder: 'b',
        buildArgs: { A: '1' },
        secrets: ['id=s,env=S'],
        iidFile: '/tmp/i',
        output: { kind: 'image', name: 'x', push: false },
      }),
    );
    expect(argv.at(-1)).toBe('/work/app');
    expect(argv.filter((a) => a === '/work/app')).toHaveLength(1);
  });
});

describe('printableArgv', () => {
  it('shows the command a user could paste', () => {
    expect(printableArgv(buildxArgv(spec({ buildArgs: { GO_VERSION: '1.24' } })))).toBe(
      'docker buildx build --progress=plain --file /work/app/Dockerfile --platform linux/amd64,linux/arm64 ' +
        '--build-arg GO_VERSION=1.24 --output type=oci,dest=/tmp/isg/oci,tar=false --provenance=mode=min ' +
        '--metadata-file /tmp/isg/all.metadata.json /work/app',
    );
  });

  it('never prints a secret spec, whatever it holds', () => {
    const secrets = [
      'id=npmrc,src=/home/me/.npmrc',
      'id=token,env=GH_TOKEN',
      "id=weird,src=/tmp/it's a file",
      'ghp_0123456789abcdefghijklmnopqrstuvwxyz',
    ];
    const argv = buildxArgv(spec({ secrets }));
    const printed = printableArgv(argv);
    for (const secret of secrets) expect(printed).not.toContain(secret);
    for (const part of ['npmrc', 'GH_TOKEN', '.npmrc', 'weird', 'ghp_']) expect(printed).not.toContain(part);
    expect(printed.split("--secret '***'")).toHaveLength(secrets.length + 1);
    // Everything else is still there.
    expect(printed).toContain('--platform linux/amd64,linux/arm64');
    expect(printed.endsWith(' /work/app')).toBe(true);
  });

  it('quotes arguments the shell would split or expand', () => {
    const printed = printableArgv(
      buildxArgv(spec({ buildArgs: { LDFLAGS: '-s -w', Q: "it's", D: '$HOME' } })),
    );
    expect(printed).toContain("--build-arg 'LDFLAGS=-s -w'");
    expect(printed).toContain("--build-arg 'Q=it'\\''s'");
    expect(printed).toContain("--build-arg 'D=$HOME'");
  });

  it('does not change the argv it prints', () => {
    const argv = buildxArgv(spec({ secrets: ['id=a,env=B'] }));
    const copy = [...argv];
    printableArgv(argv);
    expect(argv).toEqual(copy);
  });
});
