import { describe, expect, it } from 'vitest';
import { parseModinfo } from '../../../src/analysis/gobinary/buildinfo.js';
import { ModuleResolver, PackageInterner, packageOfSymbol } from '../../../src/analysis/gobinary/packages.js';

describe('packageOfSymbol', () => {
  it.each([
    ['main.main', 'main'],
    ['runtime.gcBgMarkWorker.func1', 'runtime'],
    ['net/http.(*Server).Serve', 'net/http'],
    ['github.com/spf13/cobra.(*Command).Execute', 'github.com/spf13/cobra'],
    ['example.com/dep%2ev2.(*T).M', 'example.com/dep.v2'],
    ['gopkg.in/yaml%2ev3.Unmarshal', 'gopkg.in/yaml.v3'],
    ['github.com/docker/docker/vendor/golang.org/x/net/http2.(*Framer).ReadFrame', 'golang.org/x/net/http2'],
    ['vendor/golang.org/x/net/dns/dnsmessage.(*Parser).Start', 'vendor/golang.org/x/net/dns/dnsmessage'],
    ['slices.Sort[go.shape.[]string,go.shape.string]', 'slices'],
    ['example.com/x.Map[example.com/y/z.T,go.shape.int].Get', 'example.com/x'],
    ['example.com/x.(*List[...]).Push', 'example.com/x'],
    ['internal/sync..dict.HashTrieMap[interface {},interface {}]', 'internal/sync'],
    ['type:.eq.[2]runtime.Frame', 'runtime'],
    ['type:.eq.*example.com/dep.Record', 'example.com/dep'],
    ['type:.hash.example.com/dep.Key', 'example.com/dep'],
    ['type..eq.net/http.http2Setting', 'net/http'],
    ['go.uber.org/zap.New', 'go.uber.org/zap'],
    ['go.etcd.io/bbolt.(*DB).Update', 'go.etcd.io/bbolt'],
    ['typeutil.Walk', 'typeutil'],
    ['type:.eq.typeutil.T', 'typeutil'],
  ])('%s belongs to %s', (name, pkg) => {
    expect(packageOfSymbol(name)).toBe(pkg);
  });

  it.each([
    'go:itab.*os.File,io.Writer',
    'go:string.*',
    'go:buildid',
    'type:*',
    'type:.eq.struct { a int }',
    'type:.eq.go.shape.struct { cmd/internal/par.v int }',
    'type:.hash.go.shape.string',
    'type:.eq.[2]interface {}',
    'type:.eq.map[string]int',
    'type:.eq.func(int)',
    'type:internal/abi.Type',
    'go.itab.*os.File,io.Writer',
    'go.itab.example.com/x.T,io.Reader',
    'go.string."hello"',
    'go.shape.int',
    'type..namedata.*func()',
    'aeshashbody',
    '_cgo_init',
    '$f64.3ff0000000000000',
    '.L123',
    '',
  ])('%j belongs to no package', (name) => {
    expect(packageOfSymbol(name)).toBeNull();
  });
});

describe('PackageInterner', () => {
  it('gives one id per package however the names are interleaved', () => {
    const names = ['a/b.F', 'a/b.G', 'c.H', 'a/b.I', 'x/vendor/a/b.J', 'c.K', 'go:buildid'];
    const bytes = new TextEncoder().encode(`${names.join('\0')}\0`);
    const interner = new PackageInterner();
    const ids: number[] = [];
    let at = 0;
    for (const n of names) {
      ids.push(interner.idAt(bytes, at, bytes.length));
      at += new TextEncoder().encode(n).length + 1;
    }
    expect(ids).toEqual([0, 0, 1, 0, 0, 1, -1]);
    expect(interner.names).toEqual(['a/b', 'c']);
  });
});

describe('ModuleResolver', () => {
  const info = parseModinfo(
    [
      'path\texample.com/app/cmd/app',
      'mod\texample.com/app\t(devel)\t',
      'dep\tgithub.com/a/b\tv1.0.0\th1:x=',
      'dep\tgithub.com/a/b/v2\tv2.3.0\th1:y=',
      'dep\tgolang.org/x/net\tv0.20.0\th1:z=',
      '=>\tgolang.org/x/net\tv0.19.0\th1:w=',
      '',
      '',
    ].join('\n'),
  );
  const resolver = new ModuleResolver(info);

  it.each([
    ['github.com/a/b', 'github.com/a/b', 'dependency', 'v1.0.0'],
    ['github.com/a/b/sub/pkg', 'github.com/a/b', 'dependency', 'v1.0.0'],
    ['github.com/a/b/v2', 'github.com/a/b/v2', 'dependency', 'v2.3.0'],
    ['github.com/a/b/v2/x', 'github.com/a/b/v2', 'dependency', 'v2.3.0'],
    ['github.com/a/bc', 'github.com/a/bc', 'inferred', null],
    ['golang.org/x/net/http2', 'golang.org/x/net', 'dependency', 'v0.20.0 => golang.org/x/net v0.19.0'],
    ['example.com/app/internal/x', 'example.com/app', 'main', '(devel)'],
    ['main', 'example.com/app', 'main', '(devel)'],
    ['net/http', 'std', 'stdlib', null],
    ['vendor/golang.org/x/crypto/chacha20', 'std', 'stdlib', null],
    ['k8s.io/api/core/v1', 'k8s.io/api', 'inferred', null],
    // Guessed names keep the major version, as the module path does.
    ['github.com/cli/cli/v2/pkg/cmd', 'github.com/cli/cli/v2', 'inferred', null],
    ['github.com/minio/minio-go/v7', 'github.com/minio/minio-go/v7', 'inferred', null],
    ['example.org/lib/v3/x', 'example.org/lib/v3', 'inferred', null],
  ])('%s is in %s (%s)', (pkg, module, kind, version) => {
    expect(resolver.resolve(pkg)).toEqual({ module, kind, version });
  });

  it('names the main package by its import path', () => {
    expect(resolver.displayName('main')).toBe('example.com/app/cmd/app');
    expect(resolver.displayName('net/http')).toBe('net/http');
  });

  it('without module information (GOPATH builds), infers module roots from import paths', () => {
    const gopath = new ModuleResolver(parseModinfo('path\tgithub.com/docker/docker/cmd/dockerd\n'));
    expect(gopath.resolve('github.com/docker/docker/daemon')).toEqual({
      module: 'github.com/docker/docker',
      kind: 'inferred',
      version: null,
    });
    expect(gopath.resolve(gopath.displayName('main'))).toEqual({
      module: 'github.com/docker/docker',
      kind: 'inferred',
      version: null,
    });
    const toolchain = new ModuleResolver(parseModinfo('path\tcmd/go\n'));
    expect(toolchain.resolve(toolchain.displayName('main'))).toEqual({
      module: 'std',
      kind: 'stdlib',
      version: null,
    });
  });
});
