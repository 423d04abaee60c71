import { describe, expect, it } from 'vitest';
import {
  commentMarker,
  findStickyComment,
  type ListedComment,
  sanitizeCommentKey,
  stickyCommentBody,
} from '../../../src/github/comments.js';
import { InputError, parseInputs } from '../../../src/inputs/inputs.js';

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

describe('comment keys and markers', () => {
  // Every key the comment-key input accepts keeps its own marker: the mapping is one to one.
  const accepted = (key: string) => {
    try {
      return parseInputs((name) => (name === 'comment-key' ? key : name === 'image' ? 'app:1' : ''), {
        workspace: process.cwd(),
        eventBaseRef: null,
      }).commentKey;
    } catch (error) {
      if (error instanceof InputError) return null;
      throw error;
    }
  };
  const keys = [
    'a-b',
    'a--b',
    'a---b',
    '-a-b',
    'a-b-',
    'A-b',
    'a.b',
    'a_b',
    'a',
    'k'.repeat(64),
    'k'.repeat(65),
  ];

  it('gives each accepted key a marker no other accepted key has', () => {
    const markers = new Map<string, string>();
    for (const key of keys) {
      const kept = accepted(key);
      if (kept === null) continue;
      expect(sanitizeCommentKey(kept)).toBe(kept);
      const marker = commentMarker(kept);
      expect(markers.get(marker), `${kept} and ${markers.get(marker)} share a marker`).toBeUndefined();
      markers.set(marker, kept);
    }
    expect([...markers.values()]).toEqual(['a-b', 'A-b', 'a.b', 'a_b', 'a', 'k'.repeat(64)]);
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
  const BOT = 'github-actions[bot]';
  const ours = (comments: ListedComment[], key = 'api', login = BOT) =>
    findStickyComment(comments, key, login).ours?.id;

  it('finds the comment that opens with the marker', () => {
    const comments = [comment(1, 'hello'), comment(2, `${marker}\nreport`, 'Bot', BOT), comment(3, null)];
    expect(ours(comments)).toBe(2);
  });

  it('ignores a marker that is quoted or not at the start', () => {
    const comments = [
      comment(1, `> ${marker}\n> report`, 'Bot', BOT),
      comment(2, `see the gate's comment ${marker}`, 'Bot', BOT),
    ];
    expect(ours(comments)).toBeUndefined();
  });

  it('tolerates leading whitespace before the marker', () => {
    expect(ours([comment(5, `\r\n ${marker}\nreport`, 'Bot', BOT)])).toBe(5);
  });

  it('does not confuse keys that share a prefix', () => {
    const comments = [comment(1, `${commentMarker('api-2')}\nother`, 'Bot', BOT)];
    expect(ours(comments)).toBeUndefined();
    expect(ours(comments, 'api-2')).toBe(1);
  });

  it("never takes a comment someone else wrote, even the only one with the marker, even another bot's", () => {
    const comments = [
      comment(1, `${marker}\ncopied by a person`),
      comment(2, `${marker}\nfrom another app`, 'Bot', 'other-app[bot]'),
    ];
    expect(findStickyComment(comments, 'api', BOT)).toEqual({ ours: undefined, duplicates: [] });
    expect(ours(comments, 'api', 'octocat')).toBe(1);
  });

  it('keeps the oldest of ours and names the rest as duplicates', () => {
    const comments = [
      comment(9, `${marker}\nb`, 'Bot', BOT),
      comment(3, `${marker}\nby a person`),
      comment(7, `${marker}\na`, 'Bot', BOT),
      comment(12, `${marker}\nc`, 'Bot', BOT),
    ];
    const found = findStickyComment(comments, 'api', BOT);
    expect(found.ours?.id).toBe(7);
    expect(found.duplicates.map((c) => c.id)).toEqual([9, 12]);
  });

  it('matches the sanitized key, as the adapter writes it', () => {
    const comments = [comment(4, `${commentMarker('my gate')}\nreport`, 'Bot', BOT)];
    expect(ours(comments, 'my gate')).toBe(4);
    expect(ours(comments, 'my-gate')).toBe(4);
  });
});
