// Types for release.mjs (imported by the install test).
export function stageRelease(stage: string): string[];
export function makeRelease(outDir: string): string;
