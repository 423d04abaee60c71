// Just enough Dockerfile reading to tell which of an image's layers its final stage made: the layers
// below them came with the base image (FROM).

const LAYER_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

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

/**
 * How many layers the final stage (or `target`) adds on top of its base: its RUN, COPY and ADD
 * instructions. null when the Dockerfile has no FROM or the target stage is not found.
 */
export function finalStageLayerCount(dockerfile: string, target: string | null): number | null {
  const stages: { name: string | null; layers: number }[] = [];
  for (const line of instructions(dockerfile)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? (words[as + 1] ?? null) : null, layers: 0 });
    } else if (LAYER_INSTRUCTIONS.has(upper) && stages.length > 0) {
      stages.at(-1)!.layers += 1;
    }
  }
  const stage = target ? stages.find((s) => s.name?.toLowerCase() === target.toLowerCase()) : stages.at(-1);
  return stage ? stage.layers : null;
}
