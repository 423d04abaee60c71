// dive's "image efficiency score", "potential wasted space" and "inefficient files", computed the way
// wagoodman/dive computes them (filetree/efficiency.go, image/image.go), so a user can hold our figure
// next to dive's.
//
// dive builds one tree per layer from the tar entries and visits the LEAVES of each layer's tree
// (entries with nothing below them in the same layer). Every leaf adds a size to an accumulator keyed
// by its path; a whiteout `.wh.<name>` counts under the path of <name>:
//   - a regular file, link, empty directory: its header size (0 for links and directories);
//   - a whiteout of a path that is a directory (with a tar entry of its own) in the layers below: the
//     bytes of everything below it there; a whiteout of anything else: 0.
// Opaque markers (`.wh..wh..opq`) are not leaves: dive drops them, though it keeps their directory.
// Then, over all paths p, with sizes(p) the sizes accumulated at p:
//   efficiency          = Σ_p min(sizes(p)) / Σ_p Σ sizes(p)        (1 when the denominator is 0)
//   inefficient files   = the paths seen in two or more layers, by Σ sizes(p), largest first
//   wasted bytes        = Σ over inefficient files of Σ sizes(p)
//   wasted user percent = wasted bytes / (bytes of every layer but the first), bytes of a layer being
//                         the sum of its entries' header sizes
// So a file written in one layer and deleted in the next counts fully (min is the whiteout's 0), and a
// file written twice counts both copies as "wasted", the one that ships in the final filesystem too.
// Our own wasted-bytes figure (wasted.ts) counts only the copies nobody can see any more.
//
// Where dive falls over, we do not: dive stops visiting a layer when a whiteout names a path missing
// below (we count that whiteout as 0), and sizes directory whiteouts on a stack that ignores opaque
// markers (we size them on the real lower filesystem).
import type { LayerEntry } from '../../oci/layer-stream.js';
import { cleanAbsolutePath } from './paths.js';

export interface DiveInefficientFile {
  /** Absolute path. */
  path: string;
  /** How many layers have a leaf at this path. */
  layers: number;
  /** dive's CumulativeSize: the sizes of all those leaves added up. */
  cumulativeBytes: number;
}

export interface DiveEfficiency {
  /** 0..1, dive's "efficiency" (dive prints it as a percentage). */
  score: number;
  /** dive's "potential wasted space". */
  wastedBytes: number;
  /** Bytes of every layer but the first (dive's "user" size). */
  userBytes: number;
  /** wastedBytes / userBytes as a fraction (dive's WastedUserPercent); null when there are no user bytes. */
  wastedUserFraction: number | null;
  /** Largest first; at most `limit` of them. */
  inefficientFiles: DiveInefficientFile[];
  /** How many inefficient files the limit left out. */
  inefficientFilesOmitted: number;
}

interface PathTally {
  cumulative: number;
  minimum: number;
  layers: number;
}

/** Sizes a whiteout the way dive does; LayeredFilesystem.lowerBytesBelow, asked before the entry is applied. */
export type LowerBytes = (path: string) => number;

export class DiveEfficiencyMeter {
  /** Per path: the size of its one leaf so far, or the tally once a second layer has a leaf there. */
  private readonly tallies = new Map<string, number | PathTally>();
  private readonly layerBytes: number[] = [];
  /** This layer's tree: node path -> size, for entries other than whiteouts. */
  private nodes = new Map<string, number>();
  /** This layer's whiteout nodes (".wh." name kept): the path they count under and their size. */
  private whiteouts = new Map<string, { at: string; size: number }>();
  /** Paths in this layer's tree that have something below them. */
  private parents = new Set<string>();

  beginLayer(): void {
    this.nodes = new Map();
    this.whiteouts = new Map();
    this.parents = new Set();
    this.layerBytes.push(0);
  }

  /** Call for each entry of the current layer, before the entry is applied to the filesystem. */
  observe(entry: LayerEntry, lowerBytes: LowerBytes): void {
    const path = cleanAbsolutePath(entry.path);
    if (path === '/') return; // dive skips "."
    this.layerBytes[this.layerBytes.length - 1]! += entry.size;
    const marker = path.indexOf('/.wh..wh.');
    if (marker !== -1) {
      // dive makes the directories down to the marker and stops there.
      if (marker === 0) return;
      const kept = path.slice(0, marker);
      this.markParents(kept);
      if (!this.nodes.has(kept)) this.nodes.set(kept, 0);
      return;
    }
    this.markParents(path);
    const slash = path.lastIndexOf('/');
    if (path.startsWith('.wh.', slash + 1)) {
      const target = path.slice(0, slash + 1) + path.slice(slash + 1 + '.wh.'.length);
      this.whiteouts.set(path, { at: target, size: lowerBytes(target) });
    } else {
      this.nodes.set(path, entry.size);
    }
  }

  endLayer(): void {
    for (const [node, size] of this.nodes) {
      if (!this.parents.has(node)) this.tally(node, size);
    }
    for (const [node, leaf] of this.whiteouts) {
      if (!this.parents.has(node)) this.tally(leaf.at, leaf.size);
    }
    this.nodes = new Map();
    this.whiteouts = new Map();
    this.parents = new Set();
  }

  result(limit = Number.POSITIVE_INFINITY): DiveEfficiency {
    let minimum = 0;
    let discovered = 0;
    const inefficient: DiveInefficientFile[] = [];
    for (const [path, tally] of this.tallies) {
      if (typeof tally === 'number') {
        minimum += tally;
        discovered += tally;
        continue;
      }
      minimum += tally.minimum;
      discovered += tally.cumulative;
      inefficient.push({ path, layers: tally.layers, cumulativeBytes: tally.cumulative });
    }
    inefficient.sort((a, b) => b.cumulativeBytes - a.cumulativeBytes || compareText(a.path, b.path));
    const wastedBytes = inefficient.reduce((sum, file) => sum + file.cumulativeBytes, 0);
    const userBytes = this.layerBytes.slice(1).reduce((sum, bytes) => sum + bytes, 0);
    const listed = inefficient.slice(0, limit);
    return {
      score: discovered === 0 ? 1 : minimum / discovered,
      wastedBytes,
      userBytes,
      wastedUserFraction: userBytes > 0 ? wastedBytes / userBytes : null,
      inefficientFiles: listed,
      inefficientFilesOmitted: inefficient.length - listed.length,
    };
  }

  private tally(path: string, size: number): void {
    const tally = this.tallies.get(path);
    if (tally === undefined) this.tallies.set(path, size);
    else if (typeof tally === 'number') {
      this.tallies.set(path, { cumulative: tally + size, minimum: Math.min(tally, size), layers: 2 });
    } else {
      tally.cumulative += size;
      tally.minimum = Math.min(tally.minimum, size);
      tally.layers++;
    }
  }

  /** Marks the ancestors of `path`; stops at one already marked, whose ancestors are marked too. */
  private markParents(path: string): void {
    for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
      const parent = path.slice(0, end);
      if (this.parents.has(parent)) return;
      this.parents.add(parent);
    }
  }
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
