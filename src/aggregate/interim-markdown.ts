// Stand-in for the document renderer of the render-once work (src/report/render/markdown.ts), which is not
// on main yet: renders a ReportDocument to GitHub markdown and fits it under a length by leaving out the
// lowest-priority blocks first, naming what it left out. Every span's text is escaped here. To be replaced
// by render/markdown and its one fitter when that lands.
import type { Block, ReportDocument, Span, TableRow } from '../report/document/model.js';
import { PRIORITY } from '../report/document/model.js';
import { escapeMarkdown } from '../report/text.js';

export function renderDocumentMarkdown(document: ReportDocument, maxLength: number): string {
  const kept = [...document.blocks];
  const left: string[] = [];
  const render = () => {
    const body = kept.map(block).join('\n\n');
    const note = left.length
      ? `\n\n_Left out to stay under GitHub's comment limit: ${left.map((l) => escapeMarkdown(l)).join('; ')}._`
      : '';
    return `${body}${note}\n`;
  };
  let text = render();
  while (text.length > maxLength) {
    let lowest = -1;
    kept.forEach((b, i) => {
      if (b.priority < PRIORITY.essential && (lowest < 0 || b.priority < kept[lowest]!.priority)) lowest = i;
    });
    if (lowest < 0) break;
    const [dropped] = kept.splice(lowest, 1);
    left.push(dropped!.label ?? dropped!.kind);
    text = render();
  }
  // Only essential blocks are left and they still do not fit: cut, and say so.
  if (text.length > maxLength)
    text = `${text.slice(0, maxLength - 80)}\n\n_(cut at GitHub's comment limit)_\n`;
  return text;
}

function spans(list: readonly Span[]): string {
  return list.map(span).join('');
}

function span(s: Span): string {
  switch (s.kind) {
    case 'text':
      return escapeMarkdown(s.text);
    case 'strong':
      return `**${escapeMarkdown(s.text)}**`;
    case 'code':
      return `<code>${escapeMarkdown(s.text)}</code>`;
    case 'tone':
      return spans(s.spans);
  }
}

function row(cells: readonly (readonly Span[])[]): string {
  return `| ${cells.map((c) => spans(c)).join(' | ')} |`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${spans(b.spans)}`;
    case 'paragraph':
      return spans(b.spans);
    case 'list':
      return b.items.map((item) => `- ${spans(item)}`).join('\n');
    case 'table': {
      const header = `| ${b.columns.map((c) => escapeMarkdown(c.header)).join(' | ')} |`;
      const rule = `| ${b.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`;
      return [header, rule, ...b.rows.map((r: TableRow) => row(r.cells))].join('\n');
    }
    case 'details':
      return `<details><summary>${spans(b.summary)}</summary>\n\n${b.blocks.map(block).join('\n\n')}\n\n</details>`;
    case 'code':
      return `\`\`\`\`${b.language ?? ''}\n${b.text.replaceAll('````', '` ` ` `')}\n\`\`\`\``;
    case 'chart':
      return `${escapeMarkdown(b.title)} (${escapeMarkdown(b.unit)})`;
  }
}
