// Types for pe-page-align.mjs.
export const PE_PAGE_BYTES: number;
export function peFileAlignment(image: Buffer): number;
export function pageAlignPe(image: Buffer): Buffer;
