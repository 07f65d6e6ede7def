// Game -> sidecar hooks: @wrapMethod around the game methods the hook manifest names, each
// sending its generated CoopMsg through the plugin's natives. NOT COMPILED HERE (no game script
// compiler on this machine). Scene start/end/time (scnSceneSystem) and the console are native
// code a script cannot wrap: the RED4ext plugin would hook them through sdk->hooking and send
// StartCinematic / CinematicEnded / CinematicTime / ConsoleCommand; NOT DONE, it does not yet
// (CoopStory.reds has the script side of story sync).

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
  return r;
}

// Push-to-talk: CoopPushToTalk (CoopSettings.reds) listens to the "CoopPushToTalk" action.
// A menu opening lets go of push-to-talk (its release would go to the menu, not to us).
@wrapMethod(PlayerPuppet)
protected cb func OnMenuVisibilityChange(evt: ref<MenuVisibilityChangedEvent>) -> Bool {
  CoopBridgeService.Get(this.GetGame()).Ptt().Release();
  return wrappedMethod(evt);
}

// The dialogue wheel as the hub widget sees the UIInteractionsDef blackboard (DialogChoiceHubs):
// shown with its choices; hubId is the hub's id (ActiveChoiceHubID), conversationId the scene's.
@wrapMethod(dialogWidgetGameController)
protected cb func OnDialogsData(value: Variant) -> Bool {
  let data: DialogChoiceHubs = FromVariant<DialogChoiceHubs>(value);
  let msg: CoopMsgDialogueWheelShown;
  if ArraySize(data.choiceHubs) > 0 {
    let hub: ListChoiceHubData = data.choiceHubs[0];
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
  return wrappedMethod(value);
}

// The local player picked a choice: the chooser's pick goes to the server and the game waits
// for DialogueAdvance; a read-only wheel sends a suggestion instead (CoopStory).
@wrapMethod(dialogWidgetGameController)
protected cb func OnDialogsSelectIndex(value: Int32) -> Bool {
  if CoopStory.Get().OnLocalPick(value) {
    return true; // held until the server accepts it (every game advances together)
  }
  return wrappedMethod(value);
}

// Once per frame: the HUD's per-frame update drives the bridge service.
@wrapMethod(HUDManager)
protected cb func OnUpdate(dt: Float) -> Bool {
  CoopBridgeService.Get(this.GetGameInstance()).Tick();
  return wrappedMethod(dt);
}
