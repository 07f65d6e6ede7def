// GENERATED from coop.proto by src/protocol/gen.ts — do not edit by hand.
/* eslint-disable */
export const SCHEMA_JSON = {"nested":{"coop":{"nested":{"Hello":{"fields":{"protocolVersion":{"type":"uint32","id":1,"protoName":"protocol_version"},"name":{"type":"string","id":2},"publicKey":{"type":"bytes","id":3,"protoName":"public_key"},"sessionId":{"type":"string","id":4,"protoName":"session_id"},"clientVersion":{"type":"string","id":5,"protoName":"client_version"},"initialState":{"type":"PlayerState","id":6,"protoName":"initial_state"}}},"Challenge":{"fields":{"nonce":{"type":"bytes","id":1},"sessionId":{"type":"string","id":2,"protoName":"session_id"}}},"Proof":{"fields":{"signature":{"type":"bytes","id":1},"passwordProof":{"type":"bytes","id":2,"protoName":"password_proof"}}},"Welcome":{"fields":{"protocolVersion":{"type":"uint32","id":1,"protoName":"protocol_version"},"sessionId":{"type":"string","id":2,"protoName":"session_id"},"peerId":{"type":"uint32","id":3,"protoName":"peer_id"},"identity":{"type":"string","id":4},"avatarEntityId":{"type":"uint32","id":5,"protoName":"avatar_entity_id"},"tickMs":{"type":"uint32","id":6,"protoName":"tick_ms"},"interestRadiusM":{"type":"uint32","id":7,"protoName":"interest_radius_m"},"interestExitM":{"type":"uint32","id":8,"protoName":"interest_exit_m"}}},"RefuseCode":{"values":{"REFUSE_UNSPECIFIED":0,"REFUSE_VERSION_MISMATCH":1,"REFUSE_BAD_PROOF":2,"REFUSE_BANNED":3,"REFUSE_SERVER_FULL":4,"REFUSE_WRONG_SESSION":5,"REFUSE_BAD_HELLO":6,"REFUSE_DUPLICATE_IDENTITY":7,"REFUSE_BAD_PASSWORD":8}},"Refused":{"fields":{"code":{"type":"RefuseCode","id":1},"reason":{"type":"string","id":2},"serverProtocolVersion":{"type":"uint32","id":3,"protoName":"server_protocol_version"}}},"DisconnectCode":{"values":{"DISCONNECT_UNSPECIFIED":0,"DISCONNECT_KICKED":1,"DISCONNECT_BANNED":2,"DISCONNECT_TOO_MANY_BAD_MESSAGES":3,"DISCONNECT_SERVER_SHUTDOWN":4,"DISCONNECT_CLIENT_QUIT":5,"DISCONNECT_TIMEOUT":6}},"Disconnect":{"fields":{"code":{"type":"DisconnectCode","id":1},"reason":{"type":"string","id":2}}},"Notice":{"fields":{"level":{"type":"uint32","id":1},"text":{"type":"string","id":2}}},"ClockProbe":{"fields":{"seq":{"type":"uint32","id":1},"t1Ms":{"type":"double","id":2,"protoName":"t1_ms"}}},"ClockReply":{"fields":{"seq":{"type":"uint32","id":1},"t1Ms":{"type":"double","id":2,"protoName":"t1_ms"},"t2Ms":{"type":"double","id":3,"protoName":"t2_ms"},"t3Ms":{"type":"double","id":4,"protoName":"t3_ms"}}},"ClockReport":{"fields":{"errorBoundMs":{"type":"double","id":1,"protoName":"error_bound_ms"},"bestRttMs":{"type":"double","id":2,"protoName":"best_rtt_ms"}}},"EntityKind":{"values":{"KIND_UNSPECIFIED":0,"KIND_AVATAR":1,"KIND_NPC":2,"KIND_VEHICLE":3}},"PlayerState":{"fields":{"seq":{"type":"uint32","id":1},"x":{"type":"float","id":2},"y":{"type":"float","id":3},"z":{"type":"float","id":4},"yaw":{"type":"float","id":5},"vx":{"type":"float","id":6},"vy":{"type":"float","id":7},"vz":{"type":"float","id":8},"mode":{"type":"uint32","id":9},"clientTimeMs":{"type":"double","id":10,"protoName":"client_time_ms"},"ackTick":{"type":"uint32","id":11,"protoName":"ack_tick"}}},"Snapshot":{"fields":{"tick":{"type":"uint32","id":1},"baseTick":{"type":"uint32","id":2,"protoName":"base_tick"},"serverTimeMs":{"type":"double","id":3,"protoName":"server_time_ms"},"tickMs":{"type":"uint32","id":4,"protoName":"tick_ms"},"data":{"type":"bytes","id":5},"inputLeadUs":{"type":"uint32","id":6,"protoName":"input_lead_us"}}},"SnapshotAck":{"fields":{"tick":{"type":"uint32","id":1}}},"EntityInfo":{"fields":{"id":{"type":"uint32","id":1},"kind":{"type":"EntityKind","id":2},"ownerPeerId":{"type":"uint32","id":3,"protoName":"owner_peer_id"},"name":{"type":"string","id":4}}},"InterestAdd":{"fields":{"generation":{"type":"uint32","id":1},"entities":{"rule":"repeated","type":"EntityInfo","id":2}}},"InterestRemove":{"fields":{"generation":{"type":"uint32","id":1},"ids":{"rule":"repeated","type":"uint32","id":2}}},"TickRateChange":{"fields":{"tickMs":{"type":"uint32","id":1,"protoName":"tick_ms"},"tick":{"type":"uint32","id":2}}},"EntityInteract":{"fields":{"entityId":{"type":"uint32","id":1,"protoName":"entity_id"},"action":{"type":"uint32","id":2}}},"ChatMsg":{"fields":{"fromPeerId":{"type":"uint32","id":1,"protoName":"from_peer_id"},"fromName":{"type":"string","id":2,"protoName":"from_name"},"text":{"type":"string","id":3}}},"AdminCmdType":{"values":{"ADMIN_UNSPECIFIED":0,"ADMIN_KICK":1,"ADMIN_BAN":2,"ADMIN_MUTE":3}},"AdminCmd":{"fields":{"cmdType":{"type":"AdminCmdType","id":1,"protoName":"cmd_type"},"param":{"type":"uint64","id":2},"secs":{"type":"uint32","id":3},"reason":{"type":"string","id":4}}},"AdminReply":{"fields":{"ok":{"type":"bool","id":1},"text":{"type":"string","id":2}}},"SpectateRequest":{"fields":{"peerId":{"type":"uint32","id":1,"protoName":"peer_id"}}},"SpectateGranted":{"fields":{"peerId":{"type":"uint32","id":1,"protoName":"peer_id"},"avatarEntityId":{"type":"uint32","id":2,"protoName":"avatar_entity_id"},"radiusM":{"type":"float","id":3,"protoName":"radius_m"}}},"SpectateEnded":{"fields":{"peerId":{"type":"uint32","id":1,"protoName":"peer_id"},"reason":{"type":"string","id":2}}},"SpectateCamera":{"fields":{"x":{"type":"float","id":1},"y":{"type":"float","id":2},"z":{"type":"float","id":3}}},"CineEvent":{"values":{"CINE_UNSPECIFIED":0,"CINE_STARTED":1,"CINE_ENDED":2,"CINE_SKIPPED":3}},"CineReport":{"fields":{"sceneId":{"type":"string","id":1,"protoName":"scene_id"},"event":{"type":"CineEvent","id":2},"sceneTimeMs":{"type":"double","id":3,"protoName":"scene_time_ms"},"serverTimeMs":{"type":"double","id":4,"protoName":"server_time_ms"}}},"CineStart":{"fields":{"startTimeMs":{"type":"double","id":2,"protoName":"start_time_ms"},"ownerPeerId":{"type":"uint32","id":3,"protoName":"owner_peer_id"},"sceneId":{"type":"string","id":4,"protoName":"scene_id"},"durationMs":{"type":"double","id":5,"protoName":"duration_ms"}},"reserved":[[1,1]]},"CineEnd":{"fields":{"sceneId":{"type":"string","id":1,"protoName":"scene_id"},"reason":{"type":"string","id":2}}},"Viseme":{"fields":{"npcId":{"type":"uint32","id":1,"protoName":"npc_id"},"visemeId":{"type":"uint32","id":2,"protoName":"viseme_id"},"timeMs":{"type":"double","id":3,"protoName":"time_ms"}}},"VisemeBatch":{"fields":{"npcId":{"type":"uint32","id":1,"protoName":"npc_id"},"events":{"rule":"repeated","type":"Viseme","id":2},"fromPeerId":{"type":"uint32","id":3,"protoName":"from_peer_id"}}},"DialogWheel":{"fields":{"dialogId":{"type":"uint32","id":1,"protoName":"dialog_id"},"hubId":{"type":"uint32","id":2,"protoName":"hub_id"},"choices":{"rule":"repeated","type":"string","id":3},"chooserPeerId":{"type":"uint32","id":4,"protoName":"chooser_peer_id"}}},"DialogChoice":{"fields":{"dialogId":{"type":"uint32","id":1,"protoName":"dialog_id"},"choiceIdx":{"type":"uint32","id":2,"protoName":"choice_idx"},"fromPeerId":{"type":"uint32","id":3,"protoName":"from_peer_id"},"hubId":{"type":"uint32","id":4,"protoName":"hub_id"},"pickSeq":{"type":"uint32","id":5,"protoName":"pick_seq"}}},"DialogSuggest":{"fields":{"dialogId":{"type":"uint32","id":1,"protoName":"dialog_id"},"hubId":{"type":"uint32","id":2,"protoName":"hub_id"},"choiceIdx":{"type":"uint32","id":3,"protoName":"choice_idx"},"fromPeerId":{"type":"uint32","id":4,"protoName":"from_peer_id"}}},"DialogEnd":{"fields":{"dialogId":{"type":"uint32","id":1,"protoName":"dialog_id"},"reason":{"type":"string","id":2}}},"StoryRefused":{"fields":{"topic":{"type":"string","id":1},"reason":{"type":"string","id":2},"text":{"type":"string","id":3}}},"Voice":{"fields":{"seq":{"type":"uint32","id":1},"timestamp":{"type":"uint32","id":2},"opusBytes":{"type":"bytes","id":3,"protoName":"opus_bytes"},"fromPeerId":{"type":"uint32","id":4,"protoName":"from_peer_id"},"attenuationQ8":{"type":"uint32","id":5,"protoName":"attenuation_q8"}}},"SessionSaved":{"fields":{"sessionId":{"type":"string","id":1,"protoName":"session_id"},"path":{"type":"string","id":2}}},"MergePromptMsg":{"fields":{"payload":{"type":"bytes","id":1}}},"PlayerProgress":{"fields":{"dat":{"type":"bytes","id":1}}},"EMsg":{"oneofs":{"msg":{"oneof":["hello","challenge","proof","welcome","refused","disconnect","notice","clockProbe","clockReply","clockReport","playerState","snapshot","snapshotAck","interestAdd","interestRemove","tickRateChange","entityInteract","chat","adminCmd","adminReply","spectateRequest","spectateGranted","spectateEnded","spectateCamera","cineStart","viseme","dialogChoice","cineReport","cineEnd","dialogWheel","dialogSuggest","dialogEnd","visemeBatch","storyRefused","voice","sessionSaved","mergePrompt","playerProgress"]}},"fields":{"hello":{"type":"Hello","id":1},"challenge":{"type":"Challenge","id":2},"proof":{"type":"Proof","id":3},"welcome":{"type":"Welcome","id":4},"refused":{"type":"Refused","id":5},"disconnect":{"type":"Disconnect","id":6},"notice":{"type":"Notice","id":7},"clockProbe":{"type":"ClockProbe","id":8,"protoName":"clock_probe"},"clockReply":{"type":"ClockReply","id":9,"protoName":"clock_reply"},"clockReport":{"type":"ClockReport","id":10,"protoName":"clock_report"},"playerState":{"type":"PlayerState","id":20,"protoName":"player_state"},"snapshot":{"type":"Snapshot","id":21},"snapshotAck":{"type":"SnapshotAck","id":22,"protoName":"snapshot_ack"},"interestAdd":{"type":"InterestAdd","id":23,"protoName":"interest_add"},"interestRemove":{"type":"InterestRemove","id":24,"protoName":"interest_remove"},"tickRateChange":{"type":"TickRateChange","id":25,"protoName":"tick_rate_change"},"entityInteract":{"type":"EntityInteract","id":26,"protoName":"entity_interact"},"chat":{"type":"ChatMsg","id":40},"adminCmd":{"type":"AdminCmd","id":41,"protoName":"admin_cmd"},"adminReply":{"type":"AdminReply","id":42,"protoName":"admin_reply"},"spectateRequest":{"type":"SpectateRequest","id":43,"protoName":"spectate_request"},"spectateGranted":{"type":"SpectateGranted","id":44,"protoName":"spectate_granted"},"spectateEnded":{"type":"SpectateEnded","id":45,"protoName":"spectate_ended"},"spectateCamera":{"type":"SpectateCamera","id":46,"protoName":"spectate_camera"},"cineStart":{"type":"CineStart","id":50,"protoName":"cine_start"},"viseme":{"type":"Viseme","id":51},"dialogChoice":{"type":"DialogChoice","id":52,"protoName":"dialog_choice"},"cineReport":{"type":"CineReport","id":53,"protoName":"cine_report"},"cineEnd":{"type":"CineEnd","id":54,"protoName":"cine_end"},"dialogWheel":{"type":"DialogWheel","id":55,"protoName":"dialog_wheel"},"dialogSuggest":{"type":"DialogSuggest","id":56,"protoName":"dialog_suggest"},"dialogEnd":{"type":"DialogEnd","id":57,"protoName":"dialog_end"},"visemeBatch":{"type":"VisemeBatch","id":58,"protoName":"viseme_batch"},"storyRefused":{"type":"StoryRefused","id":59,"protoName":"story_refused"},"voice":{"type":"Voice","id":60},"sessionSaved":{"type":"SessionSaved","id":70,"protoName":"session_saved"},"mergePrompt":{"type":"MergePromptMsg","id":71,"protoName":"merge_prompt"},"playerProgress":{"type":"PlayerProgress","id":72,"protoName":"player_progress"}}},"FullEntity":{"fields":{"id":{"type":"uint32","id":1},"kind":{"type":"EntityKind","id":2},"x":{"type":"float","id":3},"y":{"type":"float","id":4},"z":{"type":"float","id":5},"yaw":{"type":"float","id":6},"vx":{"type":"float","id":7},"vy":{"type":"float","id":8},"vz":{"type":"float","id":9}}},"FullStateSnapshot":{"fields":{"tick":{"type":"uint32","id":1},"entities":{"rule":"repeated","type":"FullEntity","id":2}}}}}}} as const;

export const RefuseCode = {
  REFUSE_UNSPECIFIED: 0,
  REFUSE_VERSION_MISMATCH: 1,
  REFUSE_BAD_PROOF: 2,
  REFUSE_BANNED: 3,
  REFUSE_SERVER_FULL: 4,
  REFUSE_WRONG_SESSION: 5,
  REFUSE_BAD_HELLO: 6,
  REFUSE_DUPLICATE_IDENTITY: 7,
  REFUSE_BAD_PASSWORD: 8,
} as const;
export type RefuseCode = (typeof RefuseCode)[keyof typeof RefuseCode];

export const DisconnectCode = {
  DISCONNECT_UNSPECIFIED: 0,
  DISCONNECT_KICKED: 1,
  DISCONNECT_BANNED: 2,
  DISCONNECT_TOO_MANY_BAD_MESSAGES: 3,
  DISCONNECT_SERVER_SHUTDOWN: 4,
  DISCONNECT_CLIENT_QUIT: 5,
  DISCONNECT_TIMEOUT: 6,
} as const;
export type DisconnectCode = (typeof DisconnectCode)[keyof typeof DisconnectCode];

export const EntityKind = {
  KIND_UNSPECIFIED: 0,
  KIND_AVATAR: 1,
  KIND_NPC: 2,
  KIND_VEHICLE: 3,
} as const;
export type EntityKind = (typeof EntityKind)[keyof typeof EntityKind];

export const AdminCmdType = {
  ADMIN_UNSPECIFIED: 0,
  ADMIN_KICK: 1,
  ADMIN_BAN: 2,
  ADMIN_MUTE: 3,
} as const;
export type AdminCmdType = (typeof AdminCmdType)[keyof typeof AdminCmdType];

export const CineEvent = {
  CINE_UNSPECIFIED: 0,
  CINE_STARTED: 1,
  CINE_ENDED: 2,
  CINE_SKIPPED: 3,
} as const;
export type CineEvent = (typeof CineEvent)[keyof typeof CineEvent];

export interface Hello {
  protocolVersion?: number;
  name?: string;
  publicKey?: Uint8Array;
  sessionId?: string;
  clientVersion?: string;
  initialState?: PlayerState;
}

export interface Challenge {
  nonce?: Uint8Array;
  sessionId?: string;
}

export interface Proof {
  signature?: Uint8Array;
  passwordProof?: Uint8Array;
}

export interface Welcome {
  protocolVersion?: number;
  sessionId?: string;
  peerId?: number;
  identity?: string;
  avatarEntityId?: number;
  tickMs?: number;
  interestRadiusM?: number;
  interestExitM?: number;
}

export interface Refused {
  code?: number;
  reason?: string;
  serverProtocolVersion?: number;
}

export interface Disconnect {
  code?: number;
  reason?: string;
}

export interface Notice {
  level?: number;
  text?: string;
}

export interface ClockProbe {
  seq?: number;
  t1Ms?: number;
}

export interface ClockReply {
  seq?: number;
  t1Ms?: number;
  t2Ms?: number;
  t3Ms?: number;
}

export interface ClockReport {
  errorBoundMs?: number;
  bestRttMs?: number;
}

export interface PlayerState {
  seq?: number;
  x?: number;
  y?: number;
  z?: number;
  yaw?: number;
  vx?: number;
  vy?: number;
  vz?: number;
  mode?: number;
  clientTimeMs?: number;
  ackTick?: number;
}

export interface Snapshot {
  tick?: number;
  baseTick?: number;
  serverTimeMs?: number;
  tickMs?: number;
  data?: Uint8Array;
  inputLeadUs?: number;
}

export interface SnapshotAck {
  tick?: number;
}

export interface EntityInfo {
  id?: number;
  kind?: number;
  ownerPeerId?: number;
  name?: string;
}

export interface InterestAdd {
  generation?: number;
  entities?: EntityInfo[];
}

export interface InterestRemove {
  generation?: number;
  ids?: number[];
}

export interface TickRateChange {
  tickMs?: number;
  tick?: number;
}

export interface EntityInteract {
  entityId?: number;
  action?: number;
}

export interface ChatMsg {
  fromPeerId?: number;
  fromName?: string;
  text?: string;
}

export interface AdminCmd {
  cmdType?: number;
  param?: number;
  secs?: number;
  reason?: string;
}

export interface AdminReply {
  ok?: boolean;
  text?: string;
}

export interface SpectateRequest {
  peerId?: number;
}

export interface SpectateGranted {
  peerId?: number;
  avatarEntityId?: number;
  radiusM?: number;
}

export interface SpectateEnded {
  peerId?: number;
  reason?: string;
}

export interface SpectateCamera {
  x?: number;
  y?: number;
  z?: number;
}

export interface CineReport {
  sceneId?: string;
  event?: number;
  sceneTimeMs?: number;
  serverTimeMs?: number;
}

export interface CineStart {
  startTimeMs?: number;
  ownerPeerId?: number;
  sceneId?: string;
  durationMs?: number;
}

export interface CineEnd {
  sceneId?: string;
  reason?: string;
}

export interface Viseme {
  npcId?: number;
  visemeId?: number;
  timeMs?: number;
}

export interface VisemeBatch {
  npcId?: number;
  events?: Viseme[];
  fromPeerId?: number;
}

export interface DialogWheel {
  dialogId?: number;
  hubId?: number;
  choices?: string[];
  chooserPeerId?: number;
}

export interface DialogChoice {
  dialogId?: number;
  choiceIdx?: number;
  fromPeerId?: number;
  hubId?: number;
  pickSeq?: number;
}

export interface DialogSuggest {
  dialogId?: number;
  hubId?: number;
  choiceIdx?: number;
  fromPeerId?: number;
}

export interface DialogEnd {
  dialogId?: number;
  reason?: string;
}

export interface StoryRefused {
  topic?: string;
  reason?: string;
  text?: string;
}

export interface Voice {
  seq?: number;
  timestamp?: number;
  opusBytes?: Uint8Array;
  fromPeerId?: number;
  attenuationQ8?: number;
}

export interface SessionSaved {
  sessionId?: string;
  path?: string;
}

export interface MergePromptMsg {
  payload?: Uint8Array;
}

export interface PlayerProgress {
  dat?: Uint8Array;
}

export interface EMsg {
  hello?: Hello;
  challenge?: Challenge;
  proof?: Proof;
  welcome?: Welcome;
  refused?: Refused;
  disconnect?: Disconnect;
  notice?: Notice;
  clockProbe?: ClockProbe;
  clockReply?: ClockReply;
  clockReport?: ClockReport;
  playerState?: PlayerState;
  snapshot?: Snapshot;
  snapshotAck?: SnapshotAck;
  interestAdd?: InterestAdd;
  interestRemove?: InterestRemove;
  tickRateChange?: TickRateChange;
  entityInteract?: EntityInteract;
  chat?: ChatMsg;
  adminCmd?: AdminCmd;
  adminReply?: AdminReply;
  spectateRequest?: SpectateRequest;
  spectateGranted?: SpectateGranted;
  spectateEnded?: SpectateEnded;
  spectateCamera?: SpectateCamera;
  cineStart?: CineStart;
  viseme?: Viseme;
  dialogChoice?: DialogChoice;
  cineReport?: CineReport;
  cineEnd?: CineEnd;
  dialogWheel?: DialogWheel;
  dialogSuggest?: DialogSuggest;
  dialogEnd?: DialogEnd;
  visemeBatch?: VisemeBatch;
  storyRefused?: StoryRefused;
  voice?: Voice;
  sessionSaved?: SessionSaved;
  mergePrompt?: MergePromptMsg;
  playerProgress?: PlayerProgress;
  msg?: EMsgKind;
}

export interface FullEntity {
  id?: number;
  kind?: number;
  x?: number;
  y?: number;
  z?: number;
  yaw?: number;
  vx?: number;
  vy?: number;
  vz?: number;
}

export interface FullStateSnapshot {
  tick?: number;
  entities?: FullEntity[];
}

export type EMsgKind = 'hello' | 'challenge' | 'proof' | 'welcome' | 'refused' | 'disconnect' | 'notice' | 'clockProbe' | 'clockReply' | 'clockReport' | 'playerState' | 'snapshot' | 'snapshotAck' | 'interestAdd' | 'interestRemove' | 'tickRateChange' | 'entityInteract' | 'chat' | 'adminCmd' | 'adminReply' | 'spectateRequest' | 'spectateGranted' | 'spectateEnded' | 'spectateCamera' | 'cineStart' | 'viseme' | 'dialogChoice' | 'cineReport' | 'cineEnd' | 'dialogWheel' | 'dialogSuggest' | 'dialogEnd' | 'visemeBatch' | 'storyRefused' | 'voice' | 'sessionSaved' | 'mergePrompt' | 'playerProgress';
export const EMSG_FIELD_IDS = {
  hello: 1,
  challenge: 2,
  proof: 3,
  welcome: 4,
  refused: 5,
  disconnect: 6,
  notice: 7,
  clockProbe: 8,
  clockReply: 9,
  clockReport: 10,
  playerState: 20,
  snapshot: 21,
  snapshotAck: 22,
  interestAdd: 23,
  interestRemove: 24,
  tickRateChange: 25,
  entityInteract: 26,
  chat: 40,
  adminCmd: 41,
  adminReply: 42,
  spectateRequest: 43,
  spectateGranted: 44,
  spectateEnded: 45,
  spectateCamera: 46,
  cineStart: 50,
  viseme: 51,
  dialogChoice: 52,
  cineReport: 53,
  cineEnd: 54,
  dialogWheel: 55,
  dialogSuggest: 56,
  dialogEnd: 57,
  visemeBatch: 58,
  storyRefused: 59,
  voice: 60,
  sessionSaved: 70,
  mergePrompt: 71,
  playerProgress: 72,
} as const;
