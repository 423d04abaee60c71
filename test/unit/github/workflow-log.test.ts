import { describe, expect, it } from 'vitest';
import { couldIssueCommand, fenceCommands } from '../../../src/github/workflow-log.js';
import { obeyedCommands as obeyed } from '../../e2e/runner.js';

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
