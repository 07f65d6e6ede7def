// CoopBridge: the game side of the bridge in script. NOT COMPILED HERE: there is no game script
// compiler (redscript/scc) on this machine, so these files are written against the game's
// script API as documented by the modding community and have never been compiled or run.
// Messages and natives come from generated/CoopBridgeNatives.reds (from the hook manifest); the
// natives are implemented by the RED4ext plugin built from native-shims/ in the "game" role.
//
// Each frame the service drains the sidecar -> game ring (CoopBridgePoll) into CoopGameHandler.

// Engine actions (seek, spawn...): CoopEngine.reds and CoopProxies.reds; progress: CoopProgress.reds (docs/mod.md).

public class CoopBridgeService extends ScriptableSystem {
  private let m_handler: ref<CoopGameHandler>;
  private let m_player: wref<PlayerPuppet>;
  private let m_settings: ref<CoopSettings>;
  private let m_ptt: ref<CoopPushToTalk>;

  private func OnAttach() -> Void {
    this.m_handler = new CoopGameHandler();
    this.m_handler.Init(this.GetGameInstance());
    this.m_ptt = new CoopPushToTalk();
    this.m_settings = new CoopSettings();
    this.m_settings.Register();
  }

  private func OnDetach() -> Void {
    this.m_settings.Unregister();
  }

  public func Ptt() -> ref<CoopPushToTalk> {
    return this.m_ptt;
  }

  public func SetPlayer(player: ref<PlayerPuppet>) -> Void {
    this.m_player = player;
    this.m_handler.SetPlayer(player);
  }

  public func Hud() -> ref<CoopHud> {
    return this.m_handler.Hud();
  }

  // Called once per frame by CoopFrameTick (CoopHooks.reds).
  public func Tick() -> Void {
    CoopBridgePoll(this.m_handler);
    if IsDefined(this.m_player) {
      CoopBridgeSendPlayerTransform(CoopHooks.Transform(this.m_player));
    }
  }

  public static func Get(game: GameInstance) -> ref<CoopBridgeService> {
    return GameInstance.GetScriptableSystemsContainer(game).Get(n"CoopBridgeService") as CoopBridgeService;
  }
}

// sidecar -> game commands.
public class CoopGameHandler extends CoopBridgeHandler {
  private let m_game: GameInstance;
  private let m_player: wref<PlayerPuppet>;
  private let m_hud: ref<CoopHud>;

  public func Init(game: GameInstance) -> Void {
    this.m_game = game;
    this.m_hud = new CoopHud();
  }

  public func SetPlayer(player: ref<PlayerPuppet>) -> Void {
    this.m_player = player;
  }

  public func Hud() -> ref<CoopHud> {
    return this.m_hud;
  }

  public func OnSeekCinematic(msg: CoopMsgSeekCinematic) -> Void {
    CoopEngineSeekCinematic(msg.sceneId, msg.timeS);
  }

  public func OnDialogueAdvance(msg: CoopMsgDialogueAdvance) -> Void {
    CoopEngineAdvanceDialogue(msg.conversationId, msg.choiceIndex);
  }

  public func OnMicIconShow(msg: CoopMsgMicIconShow) -> Void {
    this.m_hud.ShowMic(msg.peerId, msg.displayName);
  }

  public func OnMicIconHide(msg: CoopMsgMicIconHide) -> Void {
    this.m_hud.HideMic(msg.peerId);
  }

  public func OnRemoteEntityState(msg: CoopMsgRemoteEntityState) -> Void {
    CoopEngineMoveProxy(msg.entityId, msg.pos, msg.rot, msg.vel);
  }

  // One frame per game frame with every proxy that moved (the sidecar sends this, not the above).
  public func OnRemoteEntityStates(msg: CoopMsgRemoteEntityStates) -> Void {
    for s in msg.states {
      CoopEngineMoveProxy(s.entityId, s.pos, s.rot, s.vel);
    }
  }

  public func OnSpawnProxy(msg: CoopMsgSpawnProxy) -> Void {
    CoopEngineSpawnProxy(msg.entityId, msg.kind, msg.template, msg.pos, msg.rot);
  }

  public func OnDespawnProxy(msg: CoopMsgDespawnProxy) -> Void {
    CoopEngineDespawnProxy(msg.entityId);
  }

  public func OnInterpDelayChanged(msg: CoopMsgInterpDelayChanged) -> Void {
    CoopEngineSetInterpDelay(msg.delayMs);
  }

  public func OnSpectateEnter(msg: CoopMsgSpectateEnter) -> Void {
    CoopSpectator.Enter(this.m_player, msg.targetEntityId, msg.disableCollision, msg.hideHud);
  }

  public func OnSpectateExit(msg: CoopMsgSpectateExit) -> Void {
    CoopSpectator.Exit(this.m_player);
  }

  public func OnNotification(msg: CoopMsgNotification) -> Void {
    this.m_hud.Notify(this.m_game, msg.title, msg.text, msg.durationMs);
  }

  // No player yet: no answer; the sidecar asks again (REQUEST_RETRY_MS).
  public func OnExportProgressRequest(msg: CoopMsgExportProgressRequest) -> Void {
    if !IsDefined(this.m_player) { return; }
    CoopBridgeSendProgressData(CoopProgressExport(this.m_player, msg.requestId, msg.factNames));
  }

  public func OnApplyProgress(msg: CoopMsgApplyProgress) -> Void {
    if !IsDefined(this.m_player) { return; }
    let out: CoopMsgApplyProgressResult;
    out.requestId = msg.requestId;
    out.error = CoopProgressApply(this.m_player, msg);
    out.ok = Equals(out.error, "");
    CoopBridgeSendApplyProgressResult(out);
  }
  // OnMergeConflicts: see MergePrompt.reds.
}
