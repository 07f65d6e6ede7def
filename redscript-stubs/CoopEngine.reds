// CoopEngine: the engine actions the sidecar's commands need, against the game's script API.
// NOT COMPILED HERE (no game script compiler on this machine). docs/mod.md has the table: each
// action, the game API it uses, the public source where that API was seen, and what only the
// real game can prove. Proxies live in CoopProxies.reds; CoopEngineMachineTimeMs is a plugin
// native (QueryPerformanceCounter, the clock the sidecar's node.exe reads), declared in
// generated/CoopBridgeNatives.reds. Where the script API cannot act, the function says so in the
// game's log and returns false: those actions need a plugin hook no research has named yet.

public static func CoopEngineLog(text: String) -> Void {
  LogChannel(n"DEBUG", "CoopBridge: " + text);
}

// ---- CC-1 scenes: scnSceneSystem; script sees only its scnScriptInterface (fast-forward,
// rewindable sections, camera, read-only queries), never a general seek or a stop.

// How fast the scene runs to the jump target (1 = its own speed).
public static func CoopEngineSeekResetSpeed() -> Float = 1.0;

public static func CoopEngineSeekScene(sceneId: String, timeS: Double) -> Bool {
  let scene = GameInstance.GetSceneSystem(GetGameInstance()).GetScriptInterface();
  if !IsDefined(scene) || !scene.IsRewindableSectionActive() {
    CoopEngineLog("seek " + sceneId + ": no rewindable section; a general seek needs a scnSceneSystem hook (not done)");
    return false;
  }
  // The section's own time: equal to the scene's when the section starts the scene.
  return scene.JumpRewindableSection(CoopEngineSeekResetSpeed(), Cast<Float>(timeS), scnPlayDirection.Forward, scnPlaySpeed.Normal);
}

public static func CoopEngineSeekCinematic(sceneId: String, timeS: Double) -> Bool {
  return CoopEngineSeekScene(sceneId, timeS);
}

// The owner ended the scene: fast-forward through the rest (the player's own skip), the nearest
// thing to a stop the script interface has.
public static func CoopEngineStopScene(sceneId: String) -> Bool {
  let scene = GameInstance.GetSceneSystem(GetGameInstance()).GetScriptInterface();
  if !IsDefined(scene) || !scene.IsFastForwardingAllowed(scnFastForwardMode.Default) {
    CoopEngineLog("stop " + sceneId + ": the scene allows no fast-forward; a stop needs a scnSceneSystem hook (not done)");
    return false;
  }
  scene.FastForwardingActivate(scnFastForwardMode.Default);
  return true;
}

// ---- CC-3 dialogue: the UIInteractionsDef blackboard. Script can move the wheel's selection
// (SelectedIndex) but not take a choice: that is the interaction system's native input path, and
// no script function takes one (docs/mod.md "Searched, not found" lists what was looked at).

public static func CoopEngineInteractions() -> ref<IBlackboard> {
  return GameInstance.GetBlackboardSystem(GetGameInstance()).Get(GetAllBlackboardDefs().UIInteractions);
}

public static func CoopEngineSelectDialogChoice(hubId: Int32, index: Int32) -> Bool {
  let bb = CoopEngineInteractions();
  if !IsDefined(bb) || bb.GetInt(GetAllBlackboardDefs().UIInteractions.ActiveChoiceHubID) != hubId {
    return false; // that hub is no longer on screen
  }
  bb.SetInt(GetAllBlackboardDefs().UIInteractions.SelectedIndex, index);
  CoopEngineLog("choice " + ToString(index) + " of hub " + ToString(hubId) + " selected on the wheel; taking it needs an interaction hook (not done)");
  return false;
}

public static func CoopEngineAdvanceDialogue(conversationId: Uint32, choiceIndex: Uint16) -> Bool {
  let bb = CoopEngineInteractions();
  if !IsDefined(bb) { return false; }
  let hub = bb.GetInt(GetAllBlackboardDefs().UIInteractions.ActiveChoiceHubID);
  return CoopEngineSelectDialogChoice(hub, Cast<Int32>(choiceIndex));
}

// A conversation is the span the scene system says the player is in dialogue (CoopStory counts them).
public static func CoopEngineConversationId(player: ref<GameObject>) -> Uint32 {
  return CoopStory.Get().Conversation(player);
}

// ---- CC-2 visemes: no script API moves a face (CoopProxies.SetViseme says so once).
public static func CoopEngineSetViseme(entityId: Uint32, visemeId: Uint8) -> Void {
  CoopProxies.Get().SetViseme(entityId, visemeId);
}

// ---- proxies (CoopProxies.reds)
public static func CoopEngineSpawnProxy(entityId: Uint32, kind: Uint8, template: String, pos: CoopVec3, rot: CoopQuat) -> Bool {
  return CoopProxies.Get().Spawn(entityId, kind, template, CoopEngineVector(pos), CoopEngineQuaternion(rot));
}

public static func CoopEngineDespawnProxy(entityId: Uint32) -> Void {
  CoopProxies.Get().Despawn(entityId);
}

public static func CoopEngineMoveProxy(entityId: Uint32, pos: CoopVec3, rot: CoopQuat, vel: CoopVec3) -> Void {
  CoopProxies.Get().Move(entityId, CoopEngineVector(pos), CoopEngineQuaternion(rot), CoopEngineVector(vel));
}

public static func CoopEngineSetInterpDelay(delayMs: Uint32) -> Void {
  CoopProxies.Get().SetInterpDelay(delayMs);
}

public static func CoopEngineVector(v: CoopVec3) -> Vector4 = new Vector4(v.x, v.y, v.z, 1.0);

public static func CoopEngineQuaternion(q: CoopQuat) -> Quaternion = new Quaternion(q.x, q.y, q.z, q.w);

// ---- SA-1 spectator: no script API turns the player's collider off; the free-fly camera moves
// the player by teleport (CoopProxies.FollowTick), which goes through geometry anyway, so the flag
// only says whether the follow may move the player.
public static func CoopEngineSetPlayerCollision(enabled: Bool) -> Void {
  if enabled { CoopProxies.Get().Follow(0u); }
}

public static func CoopEngineFollowEntity(entityId: Uint32) -> Bool {
  return CoopProxies.Get().Follow(entityId);
}

// ---- progress (PP-3): CoopProgress.reds, plain fields through the game's script API (quest
// facts, the Level proficiency, TransactionSystem); the sidecar owns the .dat format.
