// Types for wine-prefix.mjs.
export function ensureWinePrefix(log?: (line: string) => void): void;
