// Just enough Dockerfile reading to tell which of an image's layers its final stage made: the layers
// below them came with the base image (FROM).

/** Logical lines: continuations joined, comments and blank lines dropped. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    out.push(current + line);
    current = '';
  }
  if (current) out.push(current);
  return out;
}

/** Instructions that may add a layer: RUN, COPY and ADD always do; WORKDIR does when it creates the directory. */
const MAYBE_LAYER = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/** The keywords of the final stage's (or `target`'s) instructions that may add a layer, in order. */
export function finalStageSteps(dockerfile: string, target: string | null): string[] | null {
  const stages: { name: string | null; steps: string[] }[] = [];
  for (const line of instructions(dockerfile)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? (words[as + 1] ?? null) : null, steps: [] });
    } else if (MAYBE_LAYER.has(upper) && stages.length > 0) {
      stages.at(-1)!.steps.push(upper);
    }
  }
  const stage = target ? stages.find((s) => s.name?.toLowerCase() === target.toLowerCase()) : stages.at(-1);
  return stage ? stage.steps : null;
}

/**
 * How many of the image's layers (bottom first) came with the base image: the final stage's steps are
 * matched against the layers' instructions from the top down; a WORKDIR with no layer of its own is
 * passed over. null when they do not line up (the image was not built from this Dockerfile).
 */
export function baseImageLayerCount(
  steps: readonly string[],
  layerInstructions: readonly string[],
): number | null {
  let top = layerInstructions.length;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    const made = (layerInstructions[top - 1] ?? '').trim().toUpperCase();
    if (top > 0 && made.startsWith(step)) {
      top--;
    } else if (step !== 'WORKDIR') {
      return null;
    }
  }
  return top;
}

/**
 * The image the final stage (or `target`) starts FROM, as written, with ARG defaults declared before the
 * first FROM substituted and stage names followed to the image they start from. null for scratch, for
 * an unknown target, or when the name still holds an unset variable.
 */
export function finalStageBase(dockerfile: string, target: string | null): string | null {
  const args = new Map<string, string>();
  const stages: { name: string | null; from: string }[] = [];
  for (const line of instructions(dockerfile)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      for (const word of rest) {
        const eq = word.indexOf('=');
        if (eq > 0) args.set(word.slice(0, eq), word.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
      }
    } else if (upper === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      const from = (words[0] ?? '').replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (whole, name: string) => args.get(name) ?? whole,
      );
      stages.push({ name: as >= 0 ? (words[as + 1] ?? null) : null, from });
    }
  }
  let stage = target ? stages.find((s) => s.name?.toLowerCase() === target.toLowerCase()) : stages.at(-1);
  for (let hops = 0; stage && hops < stages.length; hops++) {
    const parent = stages.find((s) => s.name !== null && s.name.toLowerCase() === stage!.from.toLowerCase());
    if (!parent || parent === stage) break;
    stage = parent;
  }
  if (!stage || stage.from === '' || stage.from.includes('$') || stage.from.toLowerCase() === 'scratch')
    return null;
  return stage.from;
}
