// Co-op settings in the game's settings menu (Mod Settings, jackhumbert/mod_settings) and
// push-to-talk. NOT COMPILED HERE (no game script compiler on this machine): the annotation keys
// and listener callbacks are the ones Mod Settings' source reads; the ListenerAction calls are
// unverified against the game's API (research notes §3, [U]).
//
// The push-to-talk key is an EInputKey field: Mod Settings shows a key-capture widget, and
// Input Loader's r6/input/coop-bridge.xml names this field in overridableUI, so the binding the
// player picks is the one the "CoopPushToTalk" action fires on. Mod Settings has no text fields
// (Bool, Int32, Float, enums only), so the server is an enum of slots: "coop-bridge.ini" (its
// server or lobby) or "Saved server 1..8" (its server1..server8 lines: HOST:PORT or
// lobby:<lobby id>). The sidecar reads the addresses; a change re-joins (SettingsChanged).

// Enum values are fixed when the scripts compile: the slots, not the addresses, are listed.
enum CoopServerSlot {
  IniServer = 0,
  Saved1 = 1,
  Saved2 = 2,
  Saved3 = 3,
  Saved4 = 4,
  Saved5 = 5,
  Saved6 = 6,
  Saved7 = 7,
  Saved8 = 8,
}

public class CoopSettings {
  @runtimeProperty("ModSettings.mod", "Co-op")
  @runtimeProperty("ModSettings.category", "Voice")
  @runtimeProperty("ModSettings.displayName", "Push-to-talk key")
  @runtimeProperty("ModSettings.description", "Hold to talk to nearby players.")
  public let coopPushToTalkKey: EInputKey = EInputKey.IK_V;

  @runtimeProperty("ModSettings.mod", "Co-op")
  @runtimeProperty("ModSettings.category", "Voice")
  @runtimeProperty("ModSettings.displayName", "Voice activation")
  @runtimeProperty("ModSettings.description", "Talk without holding the key: your microphone opens when you speak.")
  public let voiceActivation: Bool = false;

  @runtimeProperty("ModSettings.mod", "Co-op")
  @runtimeProperty("ModSettings.category", "Voice")
  @runtimeProperty("ModSettings.displayName", "Voice activation threshold (dB)")
  @runtimeProperty("ModSettings.dependency", "voiceActivation")
  @runtimeProperty("ModSettings.min", "-80")
  @runtimeProperty("ModSettings.max", "-5")
  @runtimeProperty("ModSettings.step", "1")
  public let voxThresholdDbfs: Float = -45.0;

  @runtimeProperty("ModSettings.mod", "Co-op")
  @runtimeProperty("ModSettings.category", "Voice")
  @runtimeProperty("ModSettings.displayName", "Voice volume")
  @runtimeProperty("ModSettings.min", "0")
  @runtimeProperty("ModSettings.max", "2")
  @runtimeProperty("ModSettings.step", "0.05")
  public let voiceVolume: Float = 1.0;

  @runtimeProperty("ModSettings.mod", "Co-op")
  @runtimeProperty("ModSettings.category", "Server")
  @runtimeProperty("ModSettings.displayName", "Server")
  @runtimeProperty("ModSettings.description", "Which server to play on: the one in coop-bridge.ini, or one of its saved servers (server1 .. server8 in red4ext/plugins/CoopBridge/coop-bridge.ini). Changing it leaves the current server and joins the new one.")
  @runtimeProperty("ModSettings.displayValues.IniServer", "coop-bridge.ini")
  @runtimeProperty("ModSettings.displayValues.Saved1", "Saved server 1")
  @runtimeProperty("ModSettings.displayValues.Saved2", "Saved server 2")
  @runtimeProperty("ModSettings.displayValues.Saved3", "Saved server 3")
  @runtimeProperty("ModSettings.displayValues.Saved4", "Saved server 4")
  @runtimeProperty("ModSettings.displayValues.Saved5", "Saved server 5")
  @runtimeProperty("ModSettings.displayValues.Saved6", "Saved server 6")
  @runtimeProperty("ModSettings.displayValues.Saved7", "Saved server 7")
  @runtimeProperty("ModSettings.displayValues.Saved8", "Saved server 8")
  public let serverSlot: CoopServerSlot = CoopServerSlot.IniServer;

  public func Register() -> Void {
    ModSettings.RegisterListenerToClass(this);
    ModSettings.RegisterListenerToModifications(this);
    this.Send();
  }

  public func Unregister() -> Void {
    ModSettings.UnregisterListenerToClass(this);
    ModSettings.UnregisterListenerToModifications(this);
  }

  // Mod Settings updated our fields in place: tell the sidecar.
  public cb func OnModSettingsChange() -> Void {
    this.Send();
  }

  public func Send() -> Void {
    let msg: CoopMsgSettingsChanged;
    msg.pttKey = NameToString(EnumValueToName(n"EInputKey", EnumInt(this.coopPushToTalkKey)));
    msg.voiceActivation = this.voiceActivation;
    msg.voxThresholdDbfs = this.voxThresholdDbfs;
    msg.voiceVolume = this.voiceVolume;
    msg.serverSlot = Cast<Uint8>(EnumInt(this.serverSlot));
    CoopBridgeSendSettingsChanged(msg);
  }
}

// Push-to-talk: the key's press and release as the "CoopPushToTalk" action reports them, sent
// as they come. The decisions are the sidecar's (src/sidecar/push-to-talk.ts, tested there): a
// release can be lost (the game swallows it when the same key also picks an item up), so a press
// with no release for 30 s is let go there, and every press (a repeat included) is forwarded so
// it can restart that wait. A menu opening sends a release (CoopHooks.reds), once.
public class CoopPushToTalk {
  // Only so a menu (checked every frame) sends one release, not one per frame.
  private let m_down: Bool;

  public cb func OnAction(action: ListenerAction, consumer: ListenerActionConsumer) -> Bool {
    if !Equals(ListenerAction.GetName(action), n"CoopPushToTalk") {
      return false;
    }
    if ListenerAction.IsButtonJustPressed(action) {
      this.Press();
    } else if ListenerAction.IsButtonJustReleased(action) {
      this.Release();
    }
    return false;
  }

  public func Press() -> Void {
    this.m_down = true;
    let down: CoopMsgPushToTalkDown;
    CoopBridgeSendPushToTalkDown(down);
  }

  public func Release() -> Void {
    if this.m_down {
      this.m_down = false;
      let up: CoopMsgPushToTalkUp;
      CoopBridgeSendPushToTalkUp(up);
    }
  }
}
