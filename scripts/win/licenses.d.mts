// Types for licenses.mjs (imported by the TypeScript tests).
export interface BundledPackage {
  name: string;
  dir: string;
}
export interface PackageLicense {
  name: string;
  version: string;
  spdx: string;
  text: string;
  from: string;
}
export interface ReleaseLicense extends PackageLicense {
  shippedAs: string;
  file: string;
}
export function bundledPackages(metafile: unknown): BundledPackage[];
export function packageLicense(dir: string): PackageLicense;
export function releaseLicenses(metafile: unknown, root?: string): ReleaseLicense[];
export function thirdPartyNotices(components: readonly ReleaseLicense[]): string;
