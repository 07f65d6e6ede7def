// CoopProxies: the stand-ins for other players, NPCs and vehicles the server streams to this game.
// NOT COMPILED HERE (no game script compiler on this machine). Spawned through Codeware's
// DynamicEntitySystem as CyberpunkMP spawns its remote players (Character.MaMuppet), moved with
// the game's TeleportationFacility; the sidecar interpolates, so each state is where the proxy is
// now, and between two states the proxy coasts on its velocity for at most the interpolation delay.
// Only the real game can show that a teleport every frame looks smooth and that Codeware spawns
// in time (docs/mod.md).

public class CoopProxy {
  public let entityId: Uint32;
  public let id: EntityID;
  public let pos: Vector4;
  public let rot: Quaternion;
  public let vel: Vector4;
  public let sinceStateS: Float;
  public let viseme: Uint8;
}

public class CoopProxies extends ScriptableSystem {
  private let m_proxies: array<ref<CoopProxy>>;
  private let m_interpDelayS: Float;
  private let m_followId: Uint32;
  private let m_visemesSeen: Bool;

  public static func Get() -> ref<CoopProxies> {
    return GameInstance.GetScriptableSystemsContainer(GetGameInstance()).Get(n"CoopProxies") as CoopProxies;
  }

  // Tag on every proxy, so a reload can find and delete ours (they are never saved anyway).
  public static func Tag() -> CName = n"CoopBridge.Proxy";
  // The body CyberpunkMP gives remote players; a template that names a record is used as given.
  public static func AvatarRecord() -> TweakDBID = t"Character.MaMuppet";
  // Where the spectator's camera sits behind and above the target (metres).
  public static func FollowBackM() -> Float = 4.0;
  public static func FollowUpM() -> Float = 2.0;

  private func Find(entityId: Uint32) -> Int32 {
    let i: Int32 = 0;
    while i < ArraySize(this.m_proxies) {
      if this.m_proxies[i].entityId == entityId { return i; }
      i += 1;
    }
    return -1;
  }

  // kind: 0 avatar, 1 NPC, 2 vehicle. The server names NPCs and vehicles, not records: those
  // spawn only when their template is a record ("Character.…", "Vehicle.…").
  private static func IsRecord(template: String) -> Bool {
    return StrBeginsWith(template, "Character.") || StrBeginsWith(template, "Vehicle.");
  }

  public func Spawn(entityId: Uint32, kind: Uint8, template: String, pos: Vector4, rot: Quaternion) -> Bool {
    this.Despawn(entityId);
    if Cast<Int32>(kind) != 0 && !CoopProxies.IsRecord(template) {
      LogChannel(n"DEBUG", "CoopBridge: no record for proxy " + ToString(entityId) + " (" + template + "): not spawned");
      return false;
    }
    let spec = new DynamicEntitySpec();
    spec.recordID = CoopProxies.IsRecord(template) ? TDBID.Create(template) : CoopProxies.AvatarRecord();
    spec.position = pos;
    spec.orientation = rot;
    spec.alwaysSpawned = true;
    spec.persistState = false;
    spec.persistSpawn = false;
    spec.tags = [CoopProxies.Tag()];
    let entities = GameInstance.GetDynamicEntitySystem();
    let id = entities.CreateEntity(spec);
    if !entities.IsManaged(id) { return false; }
    let p = new CoopProxy();
    p.entityId = entityId;
    p.id = id;
    p.pos = pos;
    p.rot = rot;
    ArrayPush(this.m_proxies, p);
    return true;
  }

  public func Despawn(entityId: Uint32) -> Void {
    let i = this.Find(entityId);
    if i < 0 { return; }
    GameInstance.GetDynamicEntitySystem().DeleteEntity(this.m_proxies[i].id);
    ArrayErase(this.m_proxies, i);
    if this.m_followId == entityId { this.m_followId = 0u; }
  }

  public func Move(entityId: Uint32, pos: Vector4, rot: Quaternion, vel: Vector4) -> Void {
    let i = this.Find(entityId);
    if i < 0 { return; }
    let p = this.m_proxies[i];
    p.pos = pos;
    p.rot = rot;
    p.vel = vel;
    p.sinceStateS = 0.0;
    this.Place(p, pos);
  }

  public func SetInterpDelay(delayMs: Uint32) -> Void {
    this.m_interpDelayS = Cast<Float>(delayMs) / 1000.0;
  }

  private func Place(p: ref<CoopProxy>, pos: Vector4) -> Void {
    let game = GetGameInstance();
    // Still spawning (Codeware spawns asynchronously): the next state or tick places it.
    let obj = GameInstance.GetDynamicEntitySystem().GetEntity(p.id) as GameObject;
    if !IsDefined(obj) { return; }
    GameInstance.GetTeleportationFacility(game).Teleport(obj, pos, Quaternion.ToEulerAngles(p.rot));
  }

  // Every frame (CoopFrameTick): coast on the last velocity up to the interpolation delay, and
  // keep the spectator behind the proxy it follows.
  public func Tick(dt: Float) -> Void {
    for p in this.m_proxies {
      if p.sinceStateS < this.m_interpDelayS && Vector4.Length(p.vel) > 0.0 {
        let step = MinF(dt, this.m_interpDelayS - p.sinceStateS);
        p.pos += p.vel * step;
        this.Place(p, p.pos);
      }
      p.sinceStateS += dt;
    }
    if this.m_followId != 0u { this.FollowTick(); }
  }

  public func Follow(entityId: Uint32) -> Bool {
    this.m_followId = entityId;
    return entityId == 0u || this.Find(entityId) >= 0;
  }

  private func FollowTick() -> Void {
    let i = this.Find(this.m_followId);
    if i < 0 { return; }
    let p = this.m_proxies[i];
    let game = GetGameInstance();
    let player = GameInstance.GetPlayerSystem(game).GetLocalPlayerControlledGameObject();
    if !IsDefined(player) { return; }
    let back = Quaternion.GetForward(p.rot) * -CoopProxies.FollowBackM();
    let eye = p.pos + back + new Vector4(0.0, 0.0, CoopProxies.FollowUpM(), 0.0);
    GameInstance.GetTeleportationFacility(game).Teleport(player, eye, Quaternion.ToEulerAngles(p.rot));
  }

  // No script API drives a face from visemes (the game's lip-sync plays baked per-line
  // animations): the shape is kept on the proxy, and the log says once that mouths do not move.
  public func SetViseme(entityId: Uint32, visemeId: Uint8) -> Void {
    let i = this.Find(entityId);
    if i >= 0 { this.m_proxies[i].viseme = visemeId; }
    if !this.m_visemesSeen {
      this.m_visemesSeen = true;
      LogChannel(n"DEBUG", "CoopBridge: visemes arrive, but no script API moves a face: remote mouths stay still");
    }
  }
}
