// Game -> sidecar hooks: @wrapMethod around the game methods the hook manifest names, each
// sending its generated CoopMsg through the plugin's natives. NOT COMPILED HERE (no game script
// compiler on this machine). Scene start/end/time (scnSceneSystem) and the console are native:
// the RED4ext plugin hooks those in C++ and sends StartCinematic / CinematicEnded /
// CinematicTime / ConsoleCommand itself (CoopStory.reds has the script side of story sync).

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
  CoopBridgeService.Get(this.GetGame()).SetPlayer(this);
  return r;
}

// Push-to-talk: the "CoopPushToTalk" input action (bound in the CoopSettings menu).
@wrapMethod(PlayerPuppet)
protected cb func OnAction(action: ListenerAction, consumer: ListenerActionConsumer) -> Bool {
  if Equals(ListenerAction.GetName(action), n"CoopPushToTalk") {
    if ListenerAction.IsButtonJustPressed(action) {
      let down: CoopMsgPushToTalkDown;
      CoopBridgeSendPushToTalkDown(down);
    } else if ListenerAction.IsButtonJustReleased(action) {
      let up: CoopMsgPushToTalkUp;
      CoopBridgeSendPushToTalkUp(up);
    }
  }
  return wrappedMethod(action, consumer);
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

// Co-op settings: the CoopSettings menu calls this when the player applies changes.
public static func CoopSettingsApplied(pttKey: String, voiceActivation: Bool) -> Void {
  let msg: CoopMsgSettingsChanged;
  msg.pttKey = pttKey;
  msg.voiceActivation = voiceActivation;
  CoopBridgeSendSettingsChanged(msg);
}

// Once per frame: the HUD's per-frame update drives the bridge service.
@wrapMethod(HUDManager)
protected cb func OnUpdate(dt: Float) -> Bool {
  CoopBridgeService.Get(this.GetGameInstance()).Tick();
  return wrappedMethod(dt);
}
