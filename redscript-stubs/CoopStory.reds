// Story sync, game side (SA-1, CC-1, CC-2, CC-3). NOT COMPILED HERE: there is no game script
// compiler on this machine; names follow the game's real classes (research notes): the scene
// system is scnSceneSystem (script sees only scnScriptInterface: fast-forward, rewindable
// sections, camera, queries — no general seek, so seek/stop/lip-sync need the RED4ext plugin to
// hook scnSceneSystem: CoopEngine.reds does what the script interface allows and logs the rest);
// the dialogue wheel is the UIInteractionsDef blackboard (DialogChoiceHubs, ActiveChoiceHubID,
// SelectedIndex).

// Game modes as PlayerState.mode numbers them (GameModeManager's enum in the seed ticket).
public enum CoopGameMode {
  Play = 0,
  Vehicle = 1,
  Spectate = 2,
  Cinematic = 3,
}

// SA-1: the free-fly spectator camera.
public class SpectatorCam {
  private let m_player: wref<PlayerPuppet>;
  private let m_targetEntityId: Uint32;
  private let m_pos: Vector4;
  private let m_sendAccum: Float;

  public func EnterSpectate(player: ref<PlayerPuppet>, targetEntityId: Uint32, disableCollision: Bool, hideHud: Bool) -> Void {
    this.m_player = player;
    this.m_targetEntityId = targetEntityId;
    this.m_pos = player.GetWorldPosition();
    CoopStory.Get().SetMode(CoopGameMode.Spectate);
    if disableCollision { CoopEngineSetPlayerCollision(false); }
    if hideHud { GameInstance.GetUISystem(player.GetGame()).RequestNewVisualState(n"inkFullscreenState"); }
    CoopEngineFollowEntity(targetEntityId);
  }

  // Every frame while spectating: fly with the movement input, report the camera a few times a second.
  public func UpdateInput(dt: Float, move: Vector4) -> Void {
    this.m_pos += move * dt * 12.0;
    this.m_sendAccum += dt;
    if this.m_sendAccum >= 0.1 {
      this.m_sendAccum = 0.0;
      let msg: CoopMsgSpectateCamera;
      msg.pos.x = this.m_pos.X; msg.pos.y = this.m_pos.Y; msg.pos.z = this.m_pos.Z;
      CoopBridgeSendSpectateCamera(msg);
    }
  }

  public func ExitSpectate(reason: String) -> Void {
    CoopEngineSetPlayerCollision(true);
    if IsDefined(this.m_player) { GameInstance.GetUISystem(this.m_player.GetGame()).RestorePreviousVisualState(n"inkFullscreenState"); }
    CoopStory.Get().SetMode(CoopGameMode.Play);
  }
}

// One per game (a ScriptableSystem: redscript has no static fields to hold a singleton).
public class CoopStory extends ScriptableSystem {
  private let m_mode: CoopGameMode;
  private let m_cam: ref<SpectatorCam>;
  private let m_readOnlyHub: Int32;
  private let m_hubId: Int32;
  private let m_conversationId: Uint32;
  private let m_conversations: Uint32;
  private let m_inDialogue: Bool;

  public static func Get() -> ref<CoopStory> {
    return GameInstance.GetScriptableSystemsContainer(GetGameInstance()).Get(n"CoopStory") as CoopStory;
  }

  public static func ConversationId(player: ref<GameObject>) -> Uint32 { return CoopEngineConversationId(player); }

  // A new conversation each time the scene system puts the player into dialogue (every frame,
  // CoopFrameTick, and whenever a wheel opens), so a wheel's id names its conversation.
  public func Conversation(player: ref<GameObject>) -> Uint32 {
    let scene = GameInstance.GetSceneSystem(player.GetGame()).GetScriptInterface();
    let inDialogue = IsDefined(scene) && scene.IsEntityInDialogue(player.GetEntityID());
    if inDialogue && !this.m_inDialogue { this.m_conversations += 1u; }
    this.m_inDialogue = inDialogue;
    return this.m_conversations;
  }
  public func SetMode(mode: CoopGameMode) -> Void { this.m_mode = mode; }

  // ---- CC-1: the sidecar's commands for the scene system
  public func OnSeek(m: CoopMsgSeekCinematic) -> Void {
    // timeS holds at machine time localTimeMs: add what passed since (bridge latency)
    let late: Double = (CoopEngineMachineTimeMs() - m.localTimeMs) / 1000.0;
    CoopEngineSeekScene(m.sceneId, m.timeS + late);
  }
  public func OnStop(m: CoopMsgStopCinematic) -> Void { CoopEngineStopScene(m.sceneId); }

  // ---- CC-3: the wheel (UIInteractionsDef blackboard)
  public func OnRemoteWheel(player: ref<PlayerPuppet>, m: CoopMsgDialogueWheelRemote) -> Void {
    let bb: ref<IBlackboard> = GameInstance.GetBlackboardSystem(player.GetGame()).Get(GetAllBlackboardDefs().UIInteractions);
    this.m_conversationId = m.conversationId;
    this.m_hubId = Cast<Int32>(m.hubId);
    this.m_readOnlyHub = m.readOnly ? this.m_hubId : -1;
    bb.SetInt(GetAllBlackboardDefs().UIInteractions.ActiveChoiceHubID, this.m_hubId);
  }

  // True when the pick is taken over by co-op (sent up, or a suggestion on a read-only wheel).
  public func OnLocalPick(index: Int32) -> Bool {
    if this.m_hubId == this.m_readOnlyHub {
      let s: CoopMsgDialogueSuggest;
      s.conversationId = this.m_conversationId; s.hubId = Cast<Uint32>(this.m_hubId); s.choiceIndex = Cast<Uint16>(index);
      CoopBridgeSendDialogueSuggest(s);
      return true;
    }
    let msg: CoopMsgDialogueChoiceSelected;
    msg.conversationId = this.m_conversationId; msg.hubId = Cast<Uint32>(this.m_hubId); msg.choiceIndex = Cast<Uint16>(index);
    CoopBridgeSendDialogueChoiceSelected(msg);
    return true;
  }

  public func OnAdvance(m: CoopMsgDialogueAdvance) -> Void {
    CoopEngineSelectDialogChoice(Cast<Int32>(m.hubId), Cast<Int32>(m.choiceIndex));
  }

  // ---- CC-2: mouths
  public func OnViseme(m: CoopMsgVisemePlay) -> Void { CoopEngineSetViseme(m.npcId, m.visemeId); }

  // ---- SA-1
  public func OnSpectateEnter(player: ref<PlayerPuppet>, m: CoopMsgSpectateEnter) -> Void {
    this.m_cam = new SpectatorCam();
    this.m_cam.EnterSpectate(player, m.targetEntityId, m.disableCollision, m.hideHud);
  }
  public func OnSpectateExit(m: CoopMsgSpectateExit) -> Void {
    if IsDefined(this.m_cam) { this.m_cam.ExitSpectate(m.reason); this.m_cam = null; }
  }
}
