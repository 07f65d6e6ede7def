// The mod-manager rules a release path must pass (research notes, ship-as-mod.md §4): Vortex's
// Cyberpunk extension (known top-level folders, the canonical red4ext/plugins/<mod>/ layout, no
// DLL in bin/x64, no .NET runtime DLL names, r6/input/*.xml is the mergeable Input Loader layout,
// r6/config is "protected"), MO2's basic_games plugin (valid top-level folders, bin/x64 makes a
// mod invalid), RED4ext's loader (every .dll at depth ≤ 1 under red4ext/plugins is loaded: only
// the plugin may be there) and Nexus (no archive inside the archive). Returns the problems.
const VORTEX_TOP = new Set(['archive', 'bin', 'engine', 'r6', 'red4ext', 'mods']);
const MO2_TOP = new Set(['archive', 'engine', 'r6', 'mods', 'red4ext', 'bin', 'root']);
const DOTNET_DLLS = new Set(['coreclr.dll', 'clrjit.dll', 'clrcompression.dll', 'mscordbi.dll', 'mscordaccore.dll', 'hostfxr.dll', 'hostpolicy.dll']);
const ARCHIVE_EXT = /\.(zip|7z|rar|tar|gz|tgz|bz2|xz|cab)$/i;
const NATIVE_EXT = /\.(dll|node|exe)$/i;

export function modRuleProblems(paths: string[], pluginDll = 'red4ext/plugins/CoopBridge/CoopBridge.dll'): string[] {
  const problems: string[] = [];
  for (const raw of paths) {
    const p = raw.replaceAll('\\', '/');
    const parts = p.split('/');
    const top = parts[0] ?? '';
    const lower = p.toLowerCase();
    if (parts.length > 1 && !VORTEX_TOP.has(top)) problems.push(`${p}: top-level folder '${top}' unknown to Vortex`);
    if (parts.length > 1 && !MO2_TOP.has(top)) problems.push(`${p}: top-level folder '${top}' invalid for MO2`);
    if (parts.length === 1 && NATIVE_EXT.test(p)) problems.push(`${p}: a binary at the archive's top level`);
    if (lower.startsWith('bin/x64/')) problems.push(`${p}: bin/x64 (Vortex cancels the install, MO2 marks the mod invalid)`);
    if (DOTNET_DLLS.has((parts.at(-1) ?? '').toLowerCase())) problems.push(`${p}: a .NET runtime DLL name Vortex blocks`);
    if (ARCHIVE_EXT.test(p)) problems.push(`${p}: an archive inside the archive (Nexus rejects it)`);
    if (lower.startsWith('r6/config/')) problems.push(`${p}: r6/config is Vortex's "protected" layout`);
    if (top === 'r6' && parts[1] === 'input' && !p.endsWith('.xml')) problems.push(`${p}: r6/input holds Input Loader .xml files only`);
    if (top === 'red4ext') {
      if (parts[1] !== 'plugins' || parts.length < 4) problems.push(`${p}: not in the canonical red4ext/plugins/<mod>/ layout`);
      // RED4ext loads every .dll at plugins/ depth 0 or 1; only the plugin may be one.
      const depth = parts.length - 3; // plugins/<Mod>/x.dll → 1
      if (/\.dll$/i.test(p) && depth <= 1 && p !== pluginDll) problems.push(`${p}: a helper DLL RED4ext would load (depth ${depth}; helpers go at depth ≥ 2)`);
    }
  }
  if (!paths.map((p) => p.replaceAll('\\', '/')).includes(pluginDll)) problems.push(`${pluginDll}: missing`);
  return problems;
}
