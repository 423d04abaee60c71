// What changed in a Go binary's module set between base and head, and which modules grew most.

import type {
  GoBinaryReport,
  GoModule,
  GoModuleDiff,
  ModuleGrowth,
  ModuleShare,
  PackageGrowth,
} from './types.js';

const PACKAGES_PER_MODULE = 3;

function packageGrowth(b: ModuleShare | undefined, h: ModuleShare | undefined): PackageGrowth[] {
  const before = new Map((b?.packages ?? []).map((p) => [p.package, p.bytes]));
  const after = new Map((h?.packages ?? []).map((p) => [p.package, p.bytes]));
  return [...new Set([...before.keys(), ...after.keys()])]
    .map((pkg) => {
      const baseBytes = before.get(pkg) ?? 0;
      const headBytes = after.get(pkg) ?? 0;
      return { package: pkg, baseBytes, headBytes, delta: headBytes - baseBytes };
    })
    .filter((p) => p.delta > 0)
    .sort((x, y) => y.delta - x.delta || x.package.localeCompare(y.package))
    .slice(0, PACKAGES_PER_MODULE);
}

/** The version a reviewer should see: replacements spelled out as `go version -m` does ("v1 => ./dep"). */
export function effectiveVersion(m: GoModule): string {
  if (!m.replace) return m.version;
  return `${m.version} => ${m.replace.path}${m.replace.version ? ` ${m.replace.version}` : ''}`;
}

function dependencyVersions(report: GoBinaryReport): Map<string, string> {
  return new Map(report.buildInfo.deps.map((d) => [d.path, effectiveVersion(d)]));
}

/** `base` null: the binary is new in the head, so every module it holds is added. */
export function diffGoModules(base: GoBinaryReport | null, head: GoBinaryReport): GoModuleDiff {
  const before = base ? dependencyVersions(base) : new Map<string, string>();
  const after = dependencyVersions(head);
  const added = [...after]
    .filter(([path]) => !before.has(path))
    .map(([module, version]) => ({ module, version }));
  const removed = [...before]
    .filter(([path]) => !after.has(path))
    .map(([module, version]) => ({ module, version }));
  const upgraded = [...after]
    .filter(([path, version]) => before.has(path) && before.get(path) !== version)
    .map(([module, to]) => ({ module, from: before.get(module)!, to }));

  const growth: ModuleGrowth[] = [];
  if ((base === null || base.attribution) && head.attribution) {
    const baseBytes = new Map((base?.attribution?.modules ?? []).map((m) => [m.module, m]));
    const headBytes = new Map(head.attribution.modules.map((m) => [m.module, m]));
    for (const module of new Set([...baseBytes.keys(), ...headBytes.keys()])) {
      const b = baseBytes.get(module);
      const h = headBytes.get(module);
      const delta = (h?.bytes ?? 0) - (b?.bytes ?? 0);
      growth.push({
        module,
        kind: (h ?? b)!.kind,
        baseBytes: b?.bytes ?? 0,
        headBytes: h?.bytes ?? 0,
        delta,
        packages: delta > 0 ? packageGrowth(b, h) : [],
      });
    }
    growth.sort((a, b) => b.delta - a.delta || a.module.localeCompare(b.module));
  }
  const byName = (a: { module: string }, b: { module: string }): number => a.module.localeCompare(b.module);
  return {
    goVersion:
      base === null || base.goVersion === head.goVersion
        ? null
        : { from: base.goVersion, to: head.goVersion },
    added: added.sort(byName),
    removed: removed.sort(byName),
    upgraded: upgraded.sort(byName),
    growth,
  };
}
