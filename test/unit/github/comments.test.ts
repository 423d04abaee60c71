import { describe, expect, it } from 'vitest';
import {
  commentMarker,
  findStickyComment,
  type ListedComment,
  sanitizeCommentKey,
  stickyCommentBody,
} from '../../../src/github/comments.js';

describe('sanitizeCommentKey', () => {
  it.each([
    ['default', 'default'],
    ['api-image', 'api-image'],
    ['My Gate/linux amd64', 'My-Gate-linux-amd64'],
    ['a-->b', 'a-b'],
    ['x -- y', 'x-y'],
    ['--> <script>', 'script'],
    ['', 'default'],
    ['   ', 'default'],
    ['<>!', 'default'],
    ['v1.2_rc', 'v1.2_rc'],
    ['k'.repeat(100), 'k'.repeat(64)],
  ])('%j -> %j', (key, expected) => {
    expect(sanitizeCommentKey(key)).toBe(expected);
  });

  it('never lets a key close the HTML comment early', () => {
    for (const key of ['-->', 'a--->', '--!>', '- - >', '\n-->\n@octocat']) {
      const marker = commentMarker(key);
      expect(marker.indexOf('-->')).toBe(marker.length - 3);
      expect(marker).not.toContain('@');
    }
  });
});

describe('stickyCommentBody', () => {
  it('puts the marker first, on its own line', () => {
    expect(stickyCommentBody('api', '## Image size')).toBe('<!-- image-size-gate:api -->\n## Image size');
  });
});

function comment(id: number, body: string | null, type = 'User', login = 'octocat'): ListedComment {
  return { id, html_url: `http://127.0.0.1/c/${id}`, body, user: { login, type } };
}

describe('findStickyComment', () => {
  const marker = commentMarker('api');

  it('finds the comment that opens with the marker', () => {
    const comments = [comment(1, 'hello'), comment(2, `${marker}\nreport`, 'Bot'), comment(3, null)];
    expect(findStickyComment(comments, 'api')?.id).toBe(2);
  });

  it('ignores a marker that is quoted or not at the start', () => {
    const comments = [comment(1, `> ${marker}\n> report`), comment(2, `see the gate's comment ${marker}`)];
    expect(findStickyComment(comments, 'api')).toBeUndefined();
  });

  it('tolerates leading whitespace before the marker', () => {
    expect(findStickyComment([comment(5, `\r\n ${marker}\nreport`, 'Bot')], 'api')?.id).toBe(5);
  });

  it('does not confuse keys that share a prefix', () => {
    const comments = [comment(1, `${commentMarker('api-2')}\nother`, 'Bot')];
    expect(findStickyComment(comments, 'api')).toBeUndefined();
    expect(findStickyComment(comments, 'api-2')?.id).toBe(1);
  });

  it('prefers a bot-authored comment over a person copying the whole comment', () => {
    const comments = [
      comment(1, `${marker}\ncopied by a person`),
      comment(2, `${marker}\nreport`, 'Bot', 'github-actions[bot]'),
      comment(3, `${marker}\nanother copy`),
    ];
    expect(findStickyComment(comments, 'api')?.id).toBe(2);
  });

  it('takes the oldest when several are equal', () => {
    const comments = [comment(7, `${marker}\na`, 'Bot'), comment(9, `${marker}\nb`, 'Bot')];
    expect(findStickyComment(comments, 'api')?.id).toBe(7);
  });

  it('matches the sanitized key, as the adapter writes it', () => {
    const comments = [comment(4, `${commentMarker('my gate')}\nreport`, 'Bot')];
    expect(findStickyComment(comments, 'my gate')?.id).toBe(4);
    expect(findStickyComment(comments, 'my-gate')?.id).toBe(4);
  });
});
