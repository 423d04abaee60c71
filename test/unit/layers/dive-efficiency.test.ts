import { describe, expect, it } from 'vitest';
import { analyzeLayers } from '../../../src/analysis/layers/index.js';
import { layersOf } from './fixtures.js';

describe("dive's efficiency figures", () => {
  it("reproduce dive's own example (filetree/efficiency_test.go): 0.75, nginx.conf 7000 bytes", async () => {
    // dive's test builds trees without directory entries; tars without them give the same trees.
    const layers = await layersOf(
      ['etc/nginx/nginx.conf:2000', 'etc/nginx/public:3000'],
      ['etc/nginx/nginx.conf:5000', 'etc/athing:10000'],
      ['etc/.wh.nginx'],
    );
    const { efficiency } = await analyzeLayers(layers);
    // Σmin = 2000 + 3000 + 10000 + 0 (the whiteout: /etc/nginx was no directory entry below) = 15000
    // Σall = 7000 + 3000 + 10000 + 0 = 20000
    expect(efficiency.score).toBe(0.75);
    expect(efficiency.inefficientFiles).toEqual([
      { path: '/etc/nginx/nginx.conf', layers: 2, cumulativeBytes: 7000 },
    ]);
    expect(efficiency.wastedBytes).toBe(7000);
    expect(efficiency.userBytes).toBe(15_000);
    expect(efficiency.wastedUserFraction).toBeCloseTo(7000 / 15_000, 12);
  });

  it('size a whiteout of a real directory by what lies below it, as dive does for tars with directory entries', async () => {
    const layers = await layersOf(
      ['etc/', 'etc/nginx/', 'etc/nginx/nginx.conf:2000', 'etc/nginx/public:3000'],
      ['etc/', 'etc/nginx/', 'etc/nginx/nginx.conf:5000', 'etc/athing:10000'],
      ['etc/', 'etc/.wh.nginx'],
    );
    const { efficiency, wasted } = await analyzeLayers(layers);
    // The whiteout leaf at /etc/nginx weighs 5000 + 3000 (what layers 0-1 hold below it), seen once.
    // Σmin = 2000 + 3000 + 10000 + 8000 = 23000; Σall = 7000 + 3000 + 10000 + 8000 = 28000.
    expect(efficiency.score).toBe(23_000 / 28_000);
    expect(efficiency.wastedBytes).toBe(7000);
    // Ours: the hidden copies only: nginx.conf 2000 (overwritten) + 5000 and public 3000 (deleted).
    expect(wasted.bytes).toBe(10_000);
  });

  it.each<[string, string[][], { score: number; diveWasted: number; ourWasted: number }]>([
    [
      'an image of one empty file (dive: scratch image)',
      [['nothing']],
      { score: 1, diveWasted: 0, ourWasted: 0 },
    ],
    [
      'a file written twice: dive counts both copies, we count the hidden one',
      [['a:100', 'b:300'], ['a:100']],
      { score: 400 / 500, diveWasted: 200, ourWasted: 100 },
    ],
    [
      'a deleted file weighs in full in both',
      [['a:100', 'b:300'], ['.wh.a']],
      { score: 300 / 400, diveWasted: 100, ourWasted: 100 },
    ],
    [
      'dive drops opaque markers, so what they hide is not waste to dive',
      [
        ['d/', 'd/x:100'],
        ['d/', 'd/.wh..wh..opq'],
      ],
      { score: 1, diveWasted: 0, ourWasted: 100 },
    ],
    [
      'dive counts a deleted directory once at its own path, so it costs nothing there',
      [['d/', 'd/x:100'], ['.wh.d']],
      { score: 1, diveWasted: 0, ourWasted: 100 },
    ],
    [
      'an empty file that later gets content: dive counts the content as waste',
      [['a'], ['a:50']],
      { score: 0, diveWasted: 50, ourWasted: 0 },
    ],
  ])('%s', async (_name, layerSpecs, expected) => {
    const { efficiency, wasted } = await analyzeLayers(await layersOf(...layerSpecs));
    expect(efficiency.score).toBeCloseTo(expected.score, 12);
    expect(efficiency.wastedBytes).toBe(expected.diveWasted);
    expect(wasted.bytes).toBe(expected.ourWasted);
  });

  it('has no user fraction for a single-layer image', async () => {
    const { efficiency } = await analyzeLayers(await layersOf(['a:10']));
    expect(efficiency).toMatchObject({ userBytes: 0, wastedUserFraction: null, score: 1 });
  });
});
