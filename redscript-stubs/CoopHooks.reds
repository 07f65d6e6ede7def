// Game -> sidecar hooks: @wrapMethod around the game methods the hook manifest names, each
// sending its generated CoopMsg through the plugin's natives. NOT COMPILED HERE (no game script
// compiler on this machine). The wrapped methods are the game's own (dialogWidgetGameController's
// OnDialogsActivateHub / OnDialogsSelectIndex, PlayerPuppet.OnGameAttached: docs/mod.md says where
// each was seen). Scene start/end/time (scnSceneSystem) and the console are native code a script
// cannot wrap: the plugin would hook them through sdk->hooking and send StartCinematic /
// CinematicEnded / CinematicTime / ConsoleCommand; NOT DONE (no research names their addresses).

public abstract class CoopHooks {
  public static func Transform(player: ref<PlayerPuppet>) -> CoopMsgPlayerTransform {
    let msg: CoopMsgPlayerTransform;
    let p: Vector4 = player.GetWorldPosition();
    let q: Quaternion = player.GetWorldOrientation();
    let v: Vector4 = player.GetVelocity();
    msg.entityId = 1u;
    msg.pos.x = p.X; msg.pos.y = p.Y; msg.pos.z = p.Z;
    msg.rot.x = q.i; msg.rot.y = q.j; msg.rot.z = q.k; msg.rot.w = q.r;
    msg.vel.x = v.X; msg.vel.y = v.Y; msg.vel.z = v.Z;
    return msg;
  }
}

// Player attach: hand the player to the service and start the per-frame tick.
@wrapMethod(PlayerPuppet)
protected cb func OnGameAttached() -> Bool {
  let r: Bool = wrappedMethod();
  let service: ref<CoopBridgeService> = CoopBridgeService.Get(this.GetGame());
  service.SetPlayer(this);
  this.RegisterInputListener(service.Ptt(), n"CoopPushToTalk");
  CoopFrameTick.Start(this);
  return r;
}

// The HUD layer for the mic icons: the phone HUD controller is built with the HUD (CyberpunkMP
// models its own HUD controller on it); its root takes CoopHud's widgets.
@wrapMethod(NewHudPhoneGameController)
protected cb func OnInitialize() -> Bool {
  let r: Bool = wrappedMethod();
  let owner: ref<GameObject> = this.GetPlayerControlledObject();
  if IsDefined(owner) {
    CoopBridgeService.Get(owner.GetGame()).Hud().AttachRoot(this.GetRootCompoundWidget());
  }
  return r;
}

// Once per frame: the game's delay system calls back on the next frame, and the callback
// re-queues itself while the player is attached. It drives the bridge service, the proxies and
// the conversation count; a menu opening lets go of push-to-talk (its release would go to the
// menu, not to us).
public class CoopFrameTick extends DelayCallback {
  private let m_player: wref<PlayerPuppet>;
  private let m_lastS: Float;

  public static func Start(player: ref<PlayerPuppet>) -> Void {
    let tick = new CoopFrameTick();
    tick.m_player = player;
    tick.m_lastS = EngineTime.ToFloat(GameInstance.GetSimTime(player.GetGame()));
    GameInstance.GetDelaySystem(player.GetGame()).DelayCallbackNextFrame(tick);
  }

  public func Call() -> Void {
    if !IsDefined(this.m_player) { return; }
    let game = this.m_player.GetGame();
    let now = EngineTime.ToFloat(GameInstance.GetSimTime(game));
    let service = CoopBridgeService.Get(game);
    service.Tick();
    let menu = GameInstance.GetBlackboardSystem(game).Get(GetAllBlackboardDefs().UI_System);
    if IsDefined(menu) && menu.GetBool(GetAllBlackboardDefs().UI_System.IsInMenu) { service.Ptt().Release(); }
    CoopProxies.Get().Tick(now - this.m_lastS);
    CoopStory.Get().Conversation(this.m_player);
    this.m_lastS = now;
    GameInstance.GetDelaySystem(game).DelayCallbackNextFrame(this);
  }
}

// The dialogue wheel: a hub became active; its choices are in the UIInteractionsDef blackboard
// (DialogChoiceHubs), its id is ActiveChoiceHubID, the conversation is CoopStory's count.
@wrapMethod(dialogWidgetGameController)
protected cb func OnDialogsActivateHub(activeHubId: Int32) -> Bool {
  let bb = CoopEngineInteractions();
  let data: DialogChoiceHubs = FromVariant<DialogChoiceHubs>(bb.GetVariant(GetAllBlackboardDefs().UIInteractions.DialogChoiceHubs));
  for hub in data.choiceHubs {
    if hub.id == activeHubId {
      let msg: CoopMsgDialogueWheelShown;
      msg.conversationId = CoopStory.ConversationId(this.GetPlayerControlledObject());
      msg.hubId = Cast<Uint32>(hub.id);
      let i: Int32 = 0;
      while i < ArraySize(hub.choices) {
        let c: CoopDialogueChoice;
        c.index = Cast<Uint16>(i);
        c.text = hub.choices[i].localizedName;
        c.flags = 0u;
        ArrayPush(msg.choices, c);
        i += 1;
      }
      CoopBridgeSendDialogueWheelShown(msg);
    }
  }
  return wrappedMethod(activeHubId);
}

// The wheel's selection moved (UIInteractionsDef.SelectedIndex): on a read-only wheel that is a
// suggestion, on the chooser's the pick the server is asked to accept (CoopStory.OnLocalPick).
@wrapMethod(dialogWidgetGameController)
protected cb func OnDialogsSelectIndex(index: Int32) -> Bool {
  CoopStory.Get().OnLocalPick(index);
  return wrappedMethod(index);
}
