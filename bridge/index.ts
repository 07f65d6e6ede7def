// The bridge's public surface: import from 'bridge/index.js' only.
export { Bridge, openBridge } from './bridge.js';
export type { BridgeCounters, BridgeEvents, BridgeOptions, BridgeState, LifecycleEvents } from './bridge.js';
export { BridgeError } from './errors.js';
export type { BridgeErrorCode } from './errors.js';
export type { BridgeIntervals, PeerGoneReason } from './peer.js';
export type { Role } from './layout.js';
export { BRIDGE_ABI_VERSION, RING_DEFAULT_BYTES, RING_MIN_BYTES, RING_MAX_BYTES } from './layout.js';
export { MESSAGE_IDS, MESSAGE_FROM, LAZY_MESSAGES, SCHEMA_HASH } from './generated/types.js';
export type {
  MessageMap,
  MessageName,
  Vec3,
  Quat,
  EntityState,
  DialogueChoice,
  MergeConflict,
  ProgressFact,
  ProgressItem,
  ProgressItemMod,
  ProgressItemAttr,
  MergeDecision,
  PlayerTransform,
  StartCinematic,
  SeekCinematic,
  DialogueWheelShown,
  DialogueChoiceSelected,
  DialogueAdvance,
  MicIconShow,
  MicIconHide,
  RemoteEntityState,
  SpawnProxy,
  DespawnProxy,
  InterpDelayChanged,
  ConsoleCommand,
  PushToTalkDown,
  PushToTalkUp,
  SettingsChanged,
  SpectateEnter,
  SpectateExit,
  Notification,
  ExportProgressRequest,
  ProgressData,
  ApplyProgress,
  ApplyProgressResult,
  MergeConflicts,
  MergeAnswer,
  MicAudioFrame,
} from './generated/types.js';
/** A message's type by name (works for messages added after this list was written). */
export type Msg<K extends keyof import('./generated/types.js').MessageMap> = import('./generated/types.js').MessageMap[K];
export { CODECS } from './generated/codecs.js';
export type { MessageCodec } from './generated/codecs.js';
export { FrameReader, FrameWriter } from './codec.js';
export { defaultLibraryPath, loadNative, openShimLibrary, LAUNCH_RUNNING, LAUNCH_UNKNOWN } from './native.js';
// A process that relays a game's region (the sidecar's native path) opens it as the bridge does
// and polls a pipe as the bridge's reader does.
export { openRegion } from './region.js';
export type { OpenedRegion } from './region.js';
export type { RegionHandle, NativeShim } from './native.js';
export { PipeSleeper } from './sleeper.js';
