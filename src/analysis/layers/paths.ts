// Paths inside an image. Layer entries name them relative ("usr/bin/x"); everything this folder
// reports names them absolute ("/usr/bin/x"), the way a reader of a Dockerfile thinks of them.

/** Components of a path, with "", "." dropped and ".." applied (clamped at the root, as `path.Clean` does). */
export function pathParts(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts;
}

/** True when ".." would climb above the root: the entry names a place outside the image. */
export function climbsAboveRoot(path: string): boolean {
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
