// What `-ldflags="-s -w"` would remove: -s drops the symbol table, -w drops DWARF. Sizes are the on-disk
// (possibly compressed) section sizes, so nothing needs decompressing.

import { type Elf, type ElfSection, SHT_NOBITS } from './elf.js';
import type { StripFacts } from './types.js';

export function isDwarfSection(name: string): boolean {
  return name.startsWith('.debug_') || name.startsWith('.zdebug_');
}

/** Sections `-s -w` removes. */
export function isStrippable(name: string): boolean {
  return name === '.symtab' || name === '.strtab' || isDwarfSection(name);
}

export function readStrip(elf: Elf): StripFacts {
  const removed = elf.sections.filter((s) => isStrippable(s.name));
  const hasSymtab = elf.sections.some((s) => s.name === '.symtab');
  const hasDwarf = removed.some((s) => isDwarfSection(s.name));
  const bySection = removed.map((s: ElfSection) => ({
    section: s.name,
    bytes: s.type === SHT_NOBITS ? 0 : s.size,
  }));
  // Their names leave .shstrtab too. Section headers only shrink the file when they sit after all section
  // contents (external linkers put them at the end; Go's own linker puts them in the first page).
  const names = removed.reduce((sum, s) => sum + s.nameBytes, 0);
  if (names > 0) bySection.push({ section: '.shstrtab', bytes: names });
  const contentEnd = elf.sections.reduce(
    (end, s) => (s.type === SHT_NOBITS ? end : Math.max(end, s.offset + s.size)),
    0,
  );
  if (removed.length > 0 && elf.shoff >= contentEnd) {
    bySection.push({ section: '(section headers)', bytes: removed.length * elf.shentsize });
  }
  const savingBytes = bySection.reduce((sum, s) => sum + s.bytes, 0);
  return { stripped: !hasSymtab, hasSymtab, hasDwarf, savingBytes, bySection };
}
