// MergePrompt (PP-3): lists the conflicts of a co-op progress import and sends the player's
// answer back to the sidecar. NOT COMPILED HERE: there is no game script compiler
// (redscript/scc) on this machine; the structs and natives it uses are generated from
// bridge/hooks.manifest.json into generated/CoopBridgeNatives.reds.
//
// Flow: the sidecar runs the three-way merge (src/merge); when both sides changed the same thing
// it sends MergeConflicts (one CoopMergeConflict per conflict: id = row number, path =
// "quest:<name>" or "item:<record>#<seed>", base / ours / theirs = display text). The player
// chooses Accept all, or goes row by row (accept = take co-op, skip = keep the single-player
// value). MergeAnswer carries one CoopMergeDecision per row; the sidecar writes the merged file
// with it (coop-merge --resolve) and applies it with ApplyProgress.
// The headless game (src/sim/reactions.ts) answers the same message in tests.

public class CoopMergePromptRow {
  public let conflict: CoopMergeConflict;
  public let accept: Bool;
  public let answered: Bool;
}

public class CoopMergePrompt extends inkGameController {
  private let m_requestId: Uint32;
  private let m_rows: array<ref<CoopMergePromptRow>>;
  private let m_list: wref<inkVerticalPanel>;
  private let m_title: wref<inkText>;

  // Quests first, then items, each in the order the sidecar sent them.
  public func Show(msg: CoopMsgMergeConflicts) -> Void {
    this.m_requestId = msg.requestId;
    ArrayClear(this.m_rows);
    this.AddGroup(msg.conflicts, "quest:");
    this.AddGroup(msg.conflicts, "item:");
    this.Render();
  }

  public func IsOpenFor(requestId: Uint32) -> Bool {
    return this.GetRootWidget().IsVisible() && this.m_requestId == requestId;
  }

  private func AddGroup(conflicts: array<CoopMergeConflict>, prefix: String) -> Void {
    for c in conflicts {
      if StrBeginsWith(c.path, prefix) {
        let row = new CoopMergePromptRow();
        row.conflict = c;
        row.accept = false;
        row.answered = false;
        ArrayPush(this.m_rows, row);
      }
    }
  }

  private func Render() -> Void {
    this.m_title.SetText("Co-op progress: " + IntToString(ArraySize(this.m_rows)) + " conflict(s) need a decision");
    this.m_list.RemoveAllChildren();
    for row in this.m_rows {
      let kind = StrBeginsWith(row.conflict.path, "quest:") ? "Quest" : "Item";
      let name = StrAfterFirst(row.conflict.path, ":");
      let line = new inkText();
      line.SetText(kind + " " + name + ": before " + row.conflict.base + " / your save " + row.conflict.ours
        + " / co-op " + row.conflict.theirs + (row.answered ? (row.accept ? "  [co-op]" : "  [keep]") : ""));
      line.Reparent(this.m_list);
    }
  }

  // "Accept all": every conflict takes the co-op side.
  public func OnAcceptAll() -> Void {
    for row in this.m_rows {
      row.accept = true;
      row.answered = true;
    }
    this.Send();
  }

  // "Skip each" mode: the player answers row by row; the answer goes once every row has one.
  public func OnRowChoice(index: Int32, accept: Bool) -> Void {
    if index < 0 || index >= ArraySize(this.m_rows) { return; }
    this.m_rows[index].accept = accept;
    this.m_rows[index].answered = true;
    this.Render();
    for row in this.m_rows {
      if !row.answered { return; }
    }
    this.Send();
  }

  private func Send() -> Void {
    let answer: CoopMsgMergeAnswer;
    answer.requestId = this.m_requestId;
    for row in this.m_rows {
      let d: CoopMergeDecision;
      d.id = row.conflict.id;
      d.accept = row.accept;
      ArrayPush(answer.decisions, d);
    }
    CoopBridgeSendMergeAnswer(answer);
    this.GetRootWidget().SetVisible(false);
  }
}

// Hooks the prompt into the bridge poll: MergeConflicts opens it.
public class CoopMergePromptHandler extends CoopBridgeHandler {
  public let prompt: wref<CoopMergePrompt>;

  public func OnMergeConflicts(msg: CoopMsgMergeConflicts) -> Void {
    // The sidecar re-sends an unanswered request with the same requestId: one prompt per request.
    if IsDefined(this.prompt) && this.prompt.IsOpenFor(msg.requestId) { return; }
    if IsDefined(this.prompt) {
      this.prompt.GetRootWidget().SetVisible(true);
      this.prompt.Show(msg);
    }
  }
}
