import { describe, expect, it } from 'vitest';
import { couldIssueCommand, fenceCommands } from '../../../src/github/workflow-log.js';

/**
 * The commands the runner would obey in this output, read as the runner reads it: lines split at \n and
 * \r, leading spaces trimmed, `::name…::` (or legacy `##[name…]`), and nothing between
 * `::stop-commands::TOKEN` and `::TOKEN::` (a fence that never closes counts as obeyed).
 */
function obeyed(output: string): string[] {
  const commands: string[] = [];
  let stopToken: string | null = null;
  for (const raw of output.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (stopToken !== null) {
      if (line === `::${stopToken}::`) stopToken = null;
      continue;
    }
    const v2 = /^::([^\s:]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (v2?.[1] === 'stop-commands') stopToken = v2[2] ?? '';
    else if (v2) commands.push(v2[1] as string);
    else if (line.includes('##[')) commands.push(line.slice(line.indexOf('##[')));
  }
  // Commands switched off for the rest of the step (ours included) is a command obeyed, too.
  if (stopToken !== null) commands.push('stop-commands, never resumed');
  return commands;
}

const HOSTILE = [
  '::error::pwned',
  '  ::warning file=app.go,line=1::x',
  'step 3\r::add-mask::hello',
  'text ##[error]legacy',
  '::set-output name=verdict::pass',
  '::group::fake\n::endgroup::',
  '::stop-commands::guess\n::error::after a guessed fence',
];

describe('fenceCommands', () => {
  it.each(HOSTILE)('leaves no command the runner would obey in %j', (text) => {
    expect(obeyed(text).length).toBeGreaterThan(0);
    expect(obeyed(fenceCommands(text))).toEqual([]);
    expect(fenceCommands(text)).toContain(text);
  });

  it('uses a fresh token for every block, so text cannot end the fence it sits in', () => {
    const [first, second] = [fenceCommands('::x::'), fenceCommands('::x::')];
    const token = (text: string) => /^::stop-commands::(.+)$/m.exec(text)?.[1];
    expect(token(first)).toMatch(/^isg-[0-9a-f]{32}$/);
    expect(token(first)).not.toBe(token(second));
    expect(first.endsWith(`\n::${token(first)}::`)).toBe(true);
  });

  it('leaves text without anything command-like as it is', () => {
    expect(fenceCommands('#5 0.312 go build ./...')).toBe('#5 0.312 go build ./...');
    expect(couldIssueCommand('a: b')).toBe(false);
    expect(couldIssueCommand('std::vector')).toBe(true);
  });
});
