// Go's strconv quoting, as runtime/debug uses it for build settings, so that rendered build info
// matches `go version -m` byte for byte.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrint(ch: string, code: number): boolean {
  if (code < 0x80) return code >= 0x20 && code < 0x7f;
  return PRINTABLE.test(ch);
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** strconv.Quote: a double-quoted Go string literal with Go's escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (isPrint(ch, code)) {
      out += ch;
      continue;
    }
    switch (code) {
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0b:
        out += '\\v';
        break;
      default:
        if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
        else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
        else out += `\\U${hex(code, 8)}`;
    }
  }
  return `${out}"`;
}

/** Length of the quoted Go literal at the start of `s` (strconv.QuotedPrefix), or -1 when there is none. */
export function goQuotedPrefixLength(s: string): number {
  const quote = s[0];
  if (quote === '`') {
    const end = s.indexOf('`', 1);
    return end < 0 ? -1 : end + 1;
  }
  if (quote !== '"') return -1;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\n') return -1;
    if (c === '"') return goUnquote(s.slice(0, i + 1)) === null ? -1 : i + 1;
    if (c === '\\') i++;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/** strconv.Unquote for "..." and `...` literals; null when `s` is not exactly one valid literal. */
export function goUnquote(s: string): string | null {
  if (s.length < 2) return null;
  const quote = s[0];
  if (s[s.length - 1] !== quote) return null;
  const body = s.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) return null;
    return body.replaceAll('\r', '');
  }
  if (quote !== '"') return null;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return null;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return null;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width > 0) {
      const digits = body.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== width) return null;
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000 && e !== 'x')) return null;
      out += String.fromCodePoint(code);
      i += width;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const digits = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(digits)) return null;
      const code = Number.parseInt(digits, 8);
      if (code > 255) return null;
      out += String.fromCharCode(code);
      i += 2;
      continue;
    }
    return null;
  }
  return out;
}
