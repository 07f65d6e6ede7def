// CoopEngine: the engine actions the sidecar's commands need (seek a scene, advance a dialogue,
// spawn and move proxies, progress export/apply, spectator camera). NOT DONE: they were declared
// as natives nobody registered, which makes RED4ext close the game ("invalid native definitions");
// they are plain script functions now, and each says in the game's log that it is not implemented.
// NOT COMPILED HERE (no game script compiler on this machine).

public static func CoopEngineSeekCinematic(sceneId: String, timeS: Double) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSeekCinematic is not implemented yet");
  return false;
}

public static func CoopEngineAdvanceDialogue(conversationId: Uint32, choiceIndex: Uint16) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineAdvanceDialogue is not implemented yet");
  return false;
}

public static func CoopEngineSpawnProxy(entityId: Uint32, kind: Uint8, template: String, pos: CoopVec3, rot: CoopQuat) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSpawnProxy is not implemented yet");
  return false;
}

public static func CoopEngineDespawnProxy(entityId: Uint32) -> Void {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineDespawnProxy is not implemented yet");
}

public static func CoopEngineMoveProxy(entityId: Uint32, pos: CoopVec3, rot: CoopQuat, vel: CoopVec3) -> Void {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineMoveProxy is not implemented yet");
}

public static func CoopEngineSetInterpDelay(delayMs: Uint32) -> Void {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSetInterpDelay is not implemented yet");
}

public static func CoopEngineExportProgress() -> array<Uint8> {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineExportProgress is not implemented yet");
  let none: array<Uint8>;
  return none;
}

public static func CoopEngineApplyProgress(data: array<Uint8>) -> String {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineApplyProgress is not implemented yet");
  return "not implemented";
}

public static func CoopEngineSetPlayerCollision(enabled: Bool) -> Void {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSetPlayerCollision is not implemented yet");
}

public static func CoopEngineFollowEntity(entityId: Uint32) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineFollowEntity is not implemented yet");
  return false;
}

// From CoopStory.reds (story sync).
public static func CoopEngineSeekScene(sceneId: String, timeS: Double) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSeekScene is not implemented yet");
  return false;
}

public static func CoopEngineStopScene(sceneId: String) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineStopScene is not implemented yet");
  return false;
}

public static func CoopEngineSelectDialogChoice(hubId: Int32, index: Int32) -> Bool {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSelectDialogChoice is not implemented yet");
  return false;
}

public static func CoopEngineSetViseme(entityId: Uint32, visemeId: Uint8) -> Void {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineSetViseme is not implemented yet");
}

public static func CoopEngineMachineTimeMs() -> Double {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineMachineTimeMs is not implemented yet");
  return 0.0;
}

public static func CoopEngineConversationId(player: ref<GameObject>) -> Uint32 {
  LogChannel(n"DEBUG", "CoopBridge: CoopEngineConversationId is not implemented yet");
  return 0u;
}
