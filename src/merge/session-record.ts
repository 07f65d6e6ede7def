// The session's progress as the server collects it from the players' progress reports, and the
// session file built from it. Pure data: the server feeds it reports and asks for snapshots.
//   baseline       a player's first report in this session (their progress when they joined)
//   party          name, level, XP from each player's latest report
//   quests         per quest, the highest stage any player reported (the party's progress)
//   inventories    each player's latest reported inventory
// Players who left stay in the record: their co-op progress must stay mergeable.
// A record resumed from a session file (a restarted server) starts with that file's party,
// quests, baselines and save count; nothing recorded is ever replaced by less: a player's level
// and XP and the party's quest stages only go up (inventories follow the latest report, since
// spending and selling are play).
import { MERGE_SCHEMA_VERSION, MAX_PARTY } from './constants.js';
import { MergeError } from './errors.js';
import { ProgressSchema, SessionFileSchema, type PartyMember, type Progress, type QuestStageMap, type SaveReason, type SessionFile } from './model.js';

interface PlayerRecord {
  joinedAt: string;
  baseline: Progress;
  latest: Progress;
}

export class SessionRecord {
  readonly sessionId: string;
  readonly startedAt: string;
  #players = new Map<string, PlayerRecord>();
  /** Quest stages the resumed file recorded: the party's progress never goes below them. */
  #questFloor: QuestStageMap = {};
  #seq = 0;

  /** `resume`: the session file to carry on from (same session id; its startedAt is kept). */
  constructor(opts: { sessionId: string; startedAt: Date; resume?: SessionFile }) {
    this.sessionId = opts.sessionId;
    this.startedAt = opts.resume?.startedAt ?? opts.startedAt.toISOString();
    if (opts.resume) this.#resume(opts.resume);
  }

  #resume(file: SessionFile): void {
    if (file.sessionId !== this.sessionId) throw new MergeError('SCHEMA', `session file of ${file.sessionId} cannot resume session ${this.sessionId}`);
    this.#seq = file.seq;
    this.#questFloor = { ...file.quests };
    for (const m of file.party) {
      const latest: Progress = {
        schemaVersion: MERGE_SCHEMA_VERSION,
        playerId: m.playerId,
        name: m.name,
        level: m.level,
        xp: m.xp,
        quests: {},
        inventory: file.inventories[m.playerId],
      };
      this.#players.set(m.playerId, { joinedAt: m.joinedAt, baseline: file.baselines[m.playerId], latest });
    }
  }

  get playerCount(): number {
    return this.#players.size;
  }

  /**
   * Records a player's progress report, filed under `playerId` (the server's identity for the
   * player, whatever id the game wrote). Invalid progress → MergeError('SCHEMA'), nothing kept.
   */
  report(playerId: string, progress: Progress, now: Date): void {
    const parsed = ProgressSchema.safeParse({ ...progress, playerId });
    if (!parsed.success) throw new MergeError('SCHEMA', `progress report of ${playerId} does not match the model`);
    const p = parsed.data;
    const rec = this.#players.get(playerId);
    if (rec) {
      rec.latest = { ...p, level: Math.max(p.level, rec.latest.level), xp: Math.max(p.xp, rec.latest.xp) };
      return;
    }
    if (this.#players.size >= MAX_PARTY) throw new MergeError('SCHEMA', `session ${this.sessionId} already has ${MAX_PARTY} players`);
    this.#players.set(playerId, { joinedAt: now.toISOString(), baseline: p, latest: p });
  }

  /** The session file as of now; each call is the next save (seq counts saves). */
  snapshot(reason: SaveReason, now: Date): SessionFile {
    this.#seq += 1;
    const party: PartyMember[] = [];
    const quests: QuestStageMap = { ...this.#questFloor };
    const inventories: SessionFile['inventories'] = {};
    const baselines: SessionFile['baselines'] = {};
    for (const [playerId, rec] of this.#players) {
      const { latest } = rec;
      party.push({ playerId, name: latest.name, level: latest.level, xp: latest.xp, joinedAt: rec.joinedAt });
      for (const [q, stage] of Object.entries(latest.quests)) quests[q] = Math.max(stage, quests[q] ?? 0);
      inventories[playerId] = latest.inventory;
      baselines[playerId] = rec.baseline;
    }
    const file: SessionFile = {
      schemaVersion: MERGE_SCHEMA_VERSION,
      sessionId: this.sessionId,
      startedAt: this.startedAt,
      savedAt: now.toISOString(),
      seq: this.#seq,
      reason,
      party,
      quests,
      inventories,
      baselines,
    };
    return SessionFileSchema.parse(file);
  }
}
