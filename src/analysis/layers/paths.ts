// Paths inside an image. Layer entries name them relative ("usr/bin/x"); everything this folder
// reports names them absolute ("/usr/bin/x"), the way a reader of a Dockerfile thinks of them.

/** A path with an empty, "." or ".." component, or a leading or trailing slash. */
const UNCLEAN = /(^|\/)\.{0,2}(\/|$)/;

/** Components of a path, with "", "." dropped and ".." applied (clamped at the root, as `path.Clean` does). */
export function pathParts(path: string): string[] {
  if (path === '') return [];
  if (!UNCLEAN.test(path)) return path.split('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts;
}

/** The absolute form of a path: "usr/./bin//x" gives "/usr/bin/x", "" gives "/". */
export function cleanAbsolutePath(path: string): string {
  if (path !== '' && !UNCLEAN.test(path)) return `/${path}`;
  return absolutePath(pathParts(path));
}

/** True when ".." would climb above the root: the entry names a place outside the image. */
export function climbsAboveRoot(path: string): boolean {
  if (!path.includes('..')) return false;
  let depth = 0;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (depth === 0) return true;
      depth--;
    } else depth++;
  }
  return false;
}

export function absolutePath(parts: readonly string[]): string {
  return `/${parts.join('/')}`;
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}
