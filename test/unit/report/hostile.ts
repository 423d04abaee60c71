/** Strings an image label, a file name, an instruction or a branch name could carry. */
export const HOSTILE = [
  'a | b || c',
  'line1\nline2\r\n## heading\rthird',
  '<img src=x onerror=alert(1)>',
  'cc @org/team and @user',
  'RUN echo `id` ``x`` ```',
  'fixes #123, GH-7 and org/repo#9',
  '<!-- hidden --> -->',
  '**bold** _em_ [link](http://evil) ![img](x) ~~s~~ $x^2$ :rocket: &amp; &#124; \\| \\',
  '</details></td></tr></table><details open>',
  '- [ ] task',
  '> quote',
  '    indented code',
  'www.evil.example https://evil.example a@b.example',
  'bidi \u202eevil\u202c and \u001b[31mred\u001b[0m and \u0000nul',
];
