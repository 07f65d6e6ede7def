// HUD pieces the sidecar drives: the mic icon per speaking peer, notifications, and the
// spectator camera (collision off, HUD hidden). NOT COMPILED HERE (no game script compiler on
// this machine).


public class CoopHud {
  private let m_root: wref<inkCompoundWidget>;
  private let m_icons: array<ref<inkText>>;
  private let m_peers: array<Uint32>;

  // The HUD layer: the phone HUD controller's root, handed over when the game builds it
  // (CoopHooks.reds wraps NewHudPhoneGameController.OnInitialize; that controller is on screen
  // whenever the HUD is). Icons asked for before it exists are not shown.
  public func AttachRoot(root: ref<inkCompoundWidget>) -> Void {
    this.m_root = root;
  }

  public func ShowMic(peerId: Uint32, name: String) -> Void {
    if ArrayContains(this.m_peers, peerId) || !IsDefined(this.m_root) {
      return;
    }
    let icon: ref<inkText> = new inkText();
    icon.SetText("🎙 " + name);
    icon.SetFontSize(28);
    icon.SetMargin(new inkMargin(40.0, 200.0 + 36.0 * Cast<Float>(ArraySize(this.m_peers)), 0.0, 0.0));
    icon.Reparent(this.m_root);
    ArrayPush(this.m_peers, peerId);
    ArrayPush(this.m_icons, icon);
  }

  public func HideMic(peerId: Uint32) -> Void {
    let i: Int32 = ArrayFindFirst(this.m_peers, peerId);
    if i < 0 {
      return;
    }
    this.m_root.RemoveChild(this.m_icons[i]);
    ArrayErase(this.m_peers, i);
    ArrayErase(this.m_icons, i);
  }

  public func Notify(game: GameInstance, title: String, text: String, durationMs: Uint32) -> Void {
    let msg: SimpleScreenMessage;
    msg.isShown = true;
    msg.duration = Cast<Float>(durationMs) / 1000.0;
    msg.message = title + ": " + text;
    let bb: ref<IBlackboard> = GameInstance.GetBlackboardSystem(game).Get(GetAllBlackboardDefs().UI_Notifications);
    bb.SetVariant(GetAllBlackboardDefs().UI_Notifications.OnscreenMessage, ToVariant(msg), true);
  }
}

public abstract class CoopSpectator {
  public static func Enter(player: wref<PlayerPuppet>, target: Uint32, disableCollision: Bool, hideHud: Bool) -> Void {
    if disableCollision {
      CoopEngineSetPlayerCollision(false);
    }
    if hideHud {
      GameInstance.GetUISystem(player.GetGame()).RequestNewVisualState(n"inkSpectatorState");
    }
    CoopEngineFollowEntity(target);
  }

  public static func Exit(player: wref<PlayerPuppet>) -> Void {
    CoopEngineSetPlayerCollision(true);
    GameInstance.GetUISystem(player.GetGame()).RestorePreviousVisualState(n"inkSpectatorState");
    CoopEngineFollowEntity(0u);
  }
}
