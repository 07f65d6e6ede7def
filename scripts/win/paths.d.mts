// Types for paths.mjs (imported by the TypeScript tests and benches).
export const ROOT_DIR: string;
export const WIN_CACHE_DIR: string;
export const WIN_PACKS_DIR: string;
export const WINE_PREFIX_DIR: string;
export const WIN_LAYOUT_DIR: string;
export const WIN_SIDECAR_DIR: string;
export const WIN_NODE_EXE: string;
export const WIN_SIDECAR_BUNDLE: string;
export const WIN_SIDECAR_METAFILE: string;
export const WIN_FRAME_PEER_BUNDLE: string;
export const WIN_OPUS_CHECK_BUNDLE: string;
export const WIN_SHIM_DLL: string;
export const WIN_GAME_EXE: string;
export const WIN_OPUS_DLL: string;
export function wineEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export const WIN_PLUGIN_DLL: string;
export const WIN_STANDIN_LOADER: string;
export const WIN_STANDIN_GAME: string;
