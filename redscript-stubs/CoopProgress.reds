// CoopProgress: the player's progress read and written through the game's script API, as the
// plain fields of ProgressData / ApplyProgress. NOT COMPILED HERE (no game script compiler on this
// machine). The sidecar makes the .dat (protobuf, CRC-32) of these fields and back
// (src/sidecar/progress-fields.ts): nothing here knows that format. docs/mod.md has where each
// game name was seen and what only the real game can prove; docs/merge.md what crosses.

// Items read per export at most: the sidecar refuses more (FIELDS_MAX_ITEMS) and one export must
// fit a bridge frame.
public static func CoopProgressMaxItems() -> Int32 = 20000;

// The game's own quest facts, read on every export besides the ones the sidecar names. Empty:
// which facts make up a player's quest progress is not chosen yet (docs/merge.md); the import
// names every quest the session knows.
public static func CoopProgressOwnFacts() -> array<String> {
  let none: array<String>;
  return none;
}

// Level and XP are the "Level" proficiency's: the game's level follows its XP.
public static func CoopProgressExport(player: ref<GameObject>, requestId: Uint32, factNames: array<String>) -> CoopMsgProgressData {
  let out: CoopMsgProgressData;
  out.requestId = requestId;
  let dev = PlayerDevelopmentSystem.GetInstance(player);
  out.level = Cast<Uint32>(dev.GetProficiencyLevel(player, gamedataProficiencyType.Level));
  out.xp = Cast<Uint32>(dev.GetTotalProfExperience(player, gamedataProficiencyType.Level));
  let names = CoopProgressOwnFacts();
  let i = 0;
  while i < ArraySize(factNames) {
    if !ArrayContains(names, factNames[i]) { ArrayPush(names, factNames[i]); }
    i += 1;
  }
  // GetFact answers 0 for a fact the game does not have: the sidecar leaves those out.
  let quests = GameInstance.GetQuestsSystem(player.GetGame());
  i = 0;
  while i < ArraySize(names) {
    let fact: CoopProgressFact;
    fact.name = names[i];
    fact.value = Cast<Uint32>(quests.GetFact(StringToName(names[i])));
    ArrayPush(out.facts, fact);
    i += 1;
  }
  out.items = CoopProgressExportItems(player);
  return out;
}

// Record path, seed, quantity and quality of every item the player has. Mods and stats are not
// read (no script path for them was researched): the export carries none.
public static func CoopProgressExportItems(player: ref<GameObject>) -> array<CoopProgressItem> {
  let items: array<CoopProgressItem>;
  let list: array<wref<gameItemData>>;
  GameInstance.GetTransactionSystem(player.GetGame()).GetItemList(player, list);
  let i = 0;
  while i < ArraySize(list) && i < CoopProgressMaxItems() {
    let data = list[i];
    if IsDefined(data) {
      let id = data.GetID();
      let item: CoopProgressItem;
      // Readable only where the game has TweakDB names loaded; the sidecar refuses the unnamed form.
      item.recordId = TDBID.ToStringDEBUG(ItemID.GetTDBID(id));
      item.seed = ItemID.GetRngSeed(id);
      item.quantity = Cast<Uint32>(data.GetQuantity());
      item.quality = EnumValueToString("gamedataQuality", EnumInt(RPGManager.GetItemDataQuality(data)));
      ArrayPush(items, item);
    }
    i += 1;
  }
  return items;
}

// Applies merged progress: quest facts set, the missing XP added, every item brought to its
// merged quantity. Returns "" when all of it was issued, else what failed. Quality, mods and
// stats are not applied (a given item is the record's own); items the merge does not list stay.
public static func CoopProgressApply(player: ref<GameObject>, msg: CoopMsgApplyProgress) -> String {
  let quests = GameInstance.GetQuestsSystem(player.GetGame());
  let i = 0;
  while i < ArraySize(msg.facts) {
    quests.SetFact(StringToName(msg.facts[i].name), Cast<Int32>(msg.facts[i].value));
    i += 1;
  }
  let dev = PlayerDevelopmentSystem.GetInstance(player);
  let xpNow = dev.GetTotalProfExperience(player, gamedataProficiencyType.Level);
  let xpWanted = Cast<Int32>(msg.xp);
  if xpWanted > xpNow {
    PlayerDevelopmentSystem.GetData(player).AddExperience(xpWanted - xpNow, gamedataProficiencyType.Level, telemetryLevelGainReason.Gameplay, false);
  }
  let failed = 0;
  i = 0;
  while i < ArraySize(msg.items) {
    if !CoopProgressApplyItem(player, msg.items[i]) { failed += 1; }
    i += 1;
  }
  if failed > 0 {
    return IntToString(failed) + " item(s) could not be given or taken";
  }
  return "";
}

// Stackables (seed 0) are the record's plain ItemID; an instance is rebuilt from its seed.
public static func CoopProgressApplyItem(player: ref<GameObject>, it: CoopProgressItem) -> Bool {
  let tdbid = TDBID.Create(it.recordId);
  let id = ItemID.FromTDBID(tdbid);
  if it.seed != 0u {
    id = ItemID.CreateFromSeedWithOffset(tdbid, it.seed, 0);
  }
  if !ItemID.IsValid(id) { return false; }
  let ts = GameInstance.GetTransactionSystem(player.GetGame());
  let have = ts.GetItemQuantity(player, id);
  let want = Cast<Int32>(it.quantity);
  if want > have { return ts.GiveItem(player, id, want - have); }
  if want < have { return ts.RemoveItem(player, id, have - want); }
  return true;
}
