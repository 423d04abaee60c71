import { describe, expect, it } from 'vitest';
import {
  formatModinfo,
  parseGoVersion,
  parseModinfo,
  renderGoVersionM,
} from '../../../src/analysis/gobinary/buildinfo.js';
import { goQuote, goUnquote } from '../../../src/analysis/gobinary/goquote.js';

// The module text exactly as cmd/go 1.24 embeds it for a module with a local replacement.
const MODINFO = [
  'path\texample.com/app',
  'mod\texample.com/app\t(devel)\t',
  'dep\texample.com/dep\tv0.0.0',
  '=>\t./dep\t(devel)\t',
  '',
  'dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
  'build\t-buildmode=exe',
  'build\t-compiler=gc',
  'build\t-ldflags="-s -w -X main.version=1.2.3"',
  'build\tCGO_ENABLED=0',
  'build\tGOARCH=amd64',
  'build\tGOAMD64=v1',
  '',
].join('\n');

describe('parseModinfo', () => {
  it('reads path, main module, dependencies with replacements, and settings', () => {
    const info = parseModinfo(MODINFO);
    expect(info.parseError).toBeNull();
    expect(info.path).toBe('example.com/app');
    expect(info.main).toEqual({ path: 'example.com/app', version: '(devel)', sum: '', replace: null });
    expect(info.deps).toEqual([
      {
        path: 'example.com/dep',
        version: 'v0.0.0',
        sum: '',
        replace: { path: './dep', version: '(devel)', sum: '', replace: null },
      },
      {
        path: 'golang.org/x/text',
        version: 'v0.14.0',
        sum: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
        replace: null,
      },
    ]);
    expect(info.settings).toContainEqual({ key: '-ldflags', value: '-s -w -X main.version=1.2.3' });
    expect(info.settings).toContainEqual({ key: 'GOAMD64', value: 'v1' });
  });

  it('formats back to the same text, the empty line after a replacement included', () => {
    expect(formatModinfo(parseModinfo(MODINFO))).toBe(MODINFO);
  });

  it.each([
    ['a value with spaces', 'build\t-ldflags="-X main.v=1 2"', { key: '-ldflags', value: '-X main.v=1 2' }],
    ['a tab and a quote', 'build\t-gcflags="a\\tb \\"c\\""', { key: '-gcflags', value: 'a\tb "c"' }],
    ['a backquoted value', 'build\t-gcflags=`all=-N -l`', { key: '-gcflags', value: 'all=-N -l' }],
    ['a key holding "="', 'build\t"a=b"=c', { key: 'a=b', value: 'c' }],
    ['a key holding a space', 'build\t"my key"="x y"', { key: 'my key', value: 'x y' }],
    ['an empty value', 'build\tCGO_CFLAGS=', { key: 'CGO_CFLAGS', value: '' }],
    [
      'an "=" inside an unquoted value',
      'build\tDefaultGODEBUG=a=1,b=0',
      { key: 'DefaultGODEBUG', value: 'a=1,b=0' },
    ],
  ])('unquotes build settings: %s', (_, line, setting) => {
    const info = parseModinfo(`${line}\n`);
    expect(info.parseError).toBeNull();
    expect(info.settings).toEqual([setting]);
  });

  it.each([
    ['build\t-ldflags="-X main.v=1 2"\n', 'build\t-ldflags="-X main.v=1 2"\n'],
    // Go re-quotes every quoted setting with strconv.Quote, whatever quote it was written with.
    ['build\t-gcflags=`all=-N -l`\n', 'build\t-gcflags="all=-N -l"\n'],
    ['build\t"a=b"=c\n', 'build\t"a=b"=c\n'],
    ['build\tX="tab\\there"\n', 'build\tX="tab\\there"\n'],
  ])('re-quotes settings as Go does: %j', (input, output) => {
    expect(formatModinfo(parseModinfo(input))).toBe(output);
  });

  it.each([
    ['build\tnovalue\n', "line 1: build line missing '=' after key"],
    ['build\tk=a b\n', 'line 1: unquoted value "a b" must be quoted'],
    ['build\t=v\n', 'line 1: build line with missing key'],
    ['path\tp\n=>\tx\tv\ts\n', 'line 2: replacement with no module on previous line'],
    ['dep\ta\n', 'line 1: expected 2 or 3 columns; got 1'],
    ['build\tk="unterminated\n', 'line 1: invalid quoted value in build line'],
  ])('reports malformed lines as Go does: %j', (input, error) => {
    expect(parseModinfo(input).parseError).toBe(error);
  });

  it('ignores lines it does not know and an unterminated last line', () => {
    const info = parseModinfo('go\tgo1.99\npath\tp\nsomething else\npath\tignored-without-newline');
    expect(info.parseError).toBeNull();
    expect(info.path).toBe('p');
  });
});

describe('renderGoVersionM', () => {
  it('prints the version line, then every module line indented by a tab', () => {
    const text = renderGoVersionM('bin/app', { goVersion: 'go1.24.4', buildInfo: parseModinfo(MODINFO) });
    expect(text).toBe(
      [
        'bin/app: go1.24.4',
        '\tpath\texample.com/app',
        '\tmod\texample.com/app\t(devel)\t',
        '\tdep\texample.com/dep\tv0.0.0',
        '\t=>\t./dep\t(devel)\t',
        '\t',
        '\tdep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
        '\tbuild\t-buildmode=exe',
        '\tbuild\t-compiler=gc',
        '\tbuild\t-ldflags="-s -w -X main.version=1.2.3"',
        '\tbuild\tCGO_ENABLED=0',
        '\tbuild\tGOARCH=amd64',
        '\tbuild\tGOAMD64=v1',
        '',
      ].join('\n'),
    );
  });

  it('prints only the version line when Go recorded no module information', () => {
    expect(renderGoVersionM('old', { goVersion: 'go1.12', buildInfo: parseModinfo('') })).toBe(
      'old: go1.12\n',
    );
  });

  it('prints GOPATH builds: path and settings, no module lines', () => {
    const info = parseModinfo('path\tgithub.com/x/y/cmd/z\nbuild\t-compiler=gc\n');
    expect(renderGoVersionM('z', { goVersion: 'go1.19.8', buildInfo: info })).toBe(
      'z: go1.19.8\n\tpath\tgithub.com/x/y/cmd/z\n\tbuild\t-compiler=gc\n',
    );
  });
});

describe('goQuote', () => {
  it.each([
    ['plain', '"plain"'],
    ['a b', '"a b"'],
    ['tab\there', '"tab\\there"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['\x07\b\f\n\r\v', '"\\a\\b\\f\\n\\r\\v"'],
    ['\x01\x7f', '"\\x01\\x7f"'],
    ['héllo wörld', '"héllo wörld"'],
    ['\u00a0', '"\\u00a0"'],
    ['\u2028', '"\\u2028"'],
    ['\u{1F600}', '"\u{1F600}"'],
    ['\u{E0001}', '"\\U000e0001"'],
  ])('quotes %j as strconv.Quote does', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });
});

describe('goUnquote', () => {
  it.each([
    ['"a\\x41\\u00e9\\101"', 'aAéA'],
    ['"\\U0001F600"', '\u{1F600}'],
    ['`raw \\n`', 'raw \\n'],
    ['`a\rb`', 'ab'],
    ['""', ''],
  ])('unquotes %j', (input, output) => {
    expect(goUnquote(input)).toBe(output);
  });

  it.each(['"unterminated', '"bad \\q escape"', '"\\x4"', "'single'", '"a"b"', '`a`b`', '"\\\'"'])(
    'rejects %j',
    (input) => {
      expect(goUnquote(input)).toBeNull();
    },
  );
});

describe('parseGoVersion', () => {
  it.each([
    ['go1.24.4', { major: 1, minor: 24, patch: 4, prerelease: null, suffix: '', devel: false }],
    ['go1.21rc2', { major: 1, minor: 21, patch: null, prerelease: 'rc2', suffix: '', devel: false }],
    ['go1.20', { major: 1, minor: 20, patch: null, prerelease: null, suffix: '', devel: false }],
    [
      'go1.22-20231128-RC02 cl/585442134 +c1e6d6f8a6 X:boringcrypto',
      {
        major: 1,
        minor: 22,
        patch: null,
        prerelease: null,
        suffix: '-20231128-RC02 cl/585442134 +c1e6d6f8a6 X:boringcrypto',
        devel: false,
      },
    ],
    [
      'go1.23.1 X:nocoverageredesign',
      { major: 1, minor: 23, patch: 1, prerelease: null, suffix: 'X:nocoverageredesign', devel: false },
    ],
    [
      'devel go1.23-7a5d2bc Tue Mar 5 17:09:32 2024 +0000',
      {
        major: 1,
        minor: 23,
        patch: null,
        prerelease: null,
        suffix: '-7a5d2bc Tue Mar 5 17:09:32 2024 +0000',
        devel: true,
      },
    ],
  ])('reads %j', (raw, expected) => {
    expect(parseGoVersion(raw)).toEqual({ raw, ...expected });
  });

  it.each(['gccgo', '', 'go', 'version 1.2'])('returns null for %j', (raw) => {
    expect(parseGoVersion(raw)).toBeNull();
  });
});
