// A stored report's head is the measurement the base build would have made: the same platform summaries
// and the same layers, read back into the model the comparison takes. Pure.
import type { ImageMeasure, LayerMeasure, PlatformMeasure } from '../core/model.js';
import type { Report } from '../report/json-types.js';

export function measureFromStoredReport(report: Report, ref: string): ImageMeasure {
  const head = report.images.find((i) => i.role === 'head');
  const platforms: PlatformMeasure[] = [];
  for (const p of report.platforms) {
    if (!p.head) continue;
    const layers: LayerMeasure[] = p.layers
      .flatMap((l) => (l.head ? [l.head] : []))
      .sort((a, b) => a.index - b.index)
      .map(({ index: _index, ...layer }) => ({ ...layer, sizes: { ...layer.sizes } }));
    platforms.push({
      platform: p.platform,
      manifestDigest: p.head.manifestDigest,
      manifestBytes: p.head.manifestBytes,
      configDigest: p.head.configDigest,
      configBytes: p.head.configBytes,
      sizes: { ...p.head.sizes },
      layers,
      ...(p.head.compressedEstimated ? { compressedEstimated: true as const } : {}),
    });
  }
  return { ref, source: head?.source ?? 'build', platforms };
}
