// Game -> sidecar hooks: @wrapMethod around game methods and listeners on the game's blackboards, each
// sending its generated CoopMsg through the plugin's natives. NOT COMPILED HERE (no game script
// compiler on this machine). NOT DONE: scenes (scnSceneSystem, StartCinematic) and the console
// are native code a script cannot wrap; the plugin would hook them through sdk->hooking at
// resolved addresses, and does not yet, so StartCinematic and ConsoleCommand are never sent.

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

// Player attach: hand the player to the service; the per-frame tick sends PlayerTransform.
@wrapMethod(PlayerPuppet)
protected cb func OnGameAttached() -> Bool {
  let r: Bool = wrappedMethod();
  let service: ref<CoopBridgeService> = CoopBridgeService.Get(this.GetGame());
  service.SetPlayer(this);
  this.RegisterInputListener(service.Ptt(), n"CoopPushToTalk");
  service.Dialogue().Attach(this.GetGame());
  return r;
}

// Push-to-talk: CoopPushToTalk (CoopSettings.reds) listens to the "CoopPushToTalk" action.
// A menu opening lets go of push-to-talk (its release would go to the menu, not to us).
@wrapMethod(PlayerPuppet)
protected cb func OnMenuVisibilityChange(evt: ref<MenuVisibilityChangedEvent>) -> Bool {
  CoopBridgeService.Get(this.GetGame()).Ptt().Release();
  return wrappedMethod(evt);
}

// Dialogue: the game publishes the wheel on the UIInteractionsDef blackboard (DialogChoiceHubs,
// a Variant of DialogChoiceHubs) and the highlighted choice on SelectedIndex; listening there
// instead of wrapping a widget controller survives UI mods replacing the widget.
public class CoopDialogueHook {
  private let m_bb: wref<IBlackboard>;
  private let m_hubsCb: ref<CallbackHandle>;
  private let m_pickCb: ref<CallbackHandle>;
  private let m_conversationId: Uint32;

  public func Attach(game: GameInstance) -> Void {
    let defs: ref<UIInteractionsDef> = GetAllBlackboardDefs().UIInteractions;
    this.m_bb = GameInstance.GetBlackboardSystem(game).Get(defs);
    this.m_hubsCb = this.m_bb.RegisterListenerVariant(defs.DialogChoiceHubs, this, n"OnChoiceHubs");
    this.m_pickCb = this.m_bb.RegisterListenerInt(defs.SelectedIndex, this, n"OnSelectedIndex");
  }

  protected cb func OnChoiceHubs(value: Variant) -> Bool {
    let data: DialogChoiceHubs = FromVariant<DialogChoiceHubs>(value);
    if ArraySize(data.choiceHubs) == 0 {
      return false;
    }
    let hub: ListChoiceHubData = data.choiceHubs[0];
    let msg: CoopMsgDialogueWheelShown;
    msg.conversationId = Cast<Uint32>(hub.id);
    this.m_conversationId = msg.conversationId;
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
    return false;
  }

  protected cb func OnSelectedIndex(value: Int32) -> Bool {
    let msg: CoopMsgDialogueChoiceSelected;
    msg.conversationId = this.m_conversationId;
    msg.choiceIndex = Cast<Uint16>(value);
    CoopBridgeSendDialogueChoiceSelected(msg);
    return false;
  }
}

// Once per frame: the HUD's per-frame update drives the bridge service.
@wrapMethod(HUDManager)
protected cb func OnUpdate(dt: Float) -> Bool {
  CoopBridgeService.Get(this.GetGameInstance()).Tick();
  return wrappedMethod(dt);
}
