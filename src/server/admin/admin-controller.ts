// Kick, ban, mute (and unban, unmute, bans, status, help) from three places: coop-server's
// console, the dashboard, and remote AdminCmd from authorised players. Every call answers with
// one line; bad input is a one-line error, never a throw.
import type { BanStore } from './ban-store.js';
import type { MuteTable } from './mute-table.js';
import type { AdminList } from './admin-list.js';
import type { AdminLog, PeerView, SessionView } from './session-view.js';
import { ADMIN_BAN_MAX_S, ADMIN_IDENTITY_PATTERN, ADMIN_LINE_MAX_CHARS, ADMIN_MUTE_MAX_S } from './constants.js';

export type AdminActor =
  { readonly kind: 'console' } | { readonly kind: 'dashboard' } | { readonly kind: 'remote'; readonly peerId: number; readonly identity: string };

export type AdminOutcomeCode = 'OK' | 'NOOP' | 'BAD_INPUT' | 'NO_SUCH_PEER' | 'REFUSED' | 'FAILED';

export interface AdminOutcome {
  readonly ok: boolean;
  readonly code: AdminOutcomeCode;
  /** One line, no newline. */
  readonly text: string;
}

/** A remote admin command as decoded from EMsg AdminCmd. */
export interface RemoteAdminCmd {
  readonly cmdType: 'Kick' | 'Ban' | 'Mute';
  /** Target peer id. */
  readonly param: number;
  /** Mute: seconds (required). Ban: seconds, 0 = permanent. */
  readonly secs: number;
  /** Optional reason shown to the target. */
  readonly reason?: string;
}

export interface ActionOptions {
  /** Ban length in seconds; 0/absent = permanent. */
  readonly secs?: number;
  readonly reason?: string;
}

export interface AdminControllerOptions {
  readonly session: SessionView;
  readonly bans: BanStore;
  readonly mutes: MuteTable;
  readonly admins: AdminList;
  readonly log: AdminLog;
}

export const ADMIN_HELP =
  'commands: kick <peerId> | ban <peerId> [secs] | mute <peerId> <secs> | unban <identity|peerId> | unmute <peerId> | bans | status | help';

const PEER_ID_PATTERN = /^\d{1,15}$/;
const SECS_PATTERN = /^\d{1,9}$/;

const ok = (text: string): AdminOutcome => ({ ok: true, code: 'OK', text });
const fail = (code: AdminOutcomeCode, text: string): AdminOutcome => ({ ok: false, code, text });

export function actorLabel(actor: AdminActor): string {
  return actor.kind === 'remote' ? `admin:${actor.identity}` : actor.kind;
}

export class AdminController {
  readonly #o: AdminControllerOptions;

  constructor(opts: AdminControllerOptions) {
    this.#o = opts;
  }

  /** Runs one console line. Always resolves one line of text. */
  async runLine(raw: string, actor: AdminActor = { kind: 'console' }): Promise<AdminOutcome> {
    if (raw.length > ADMIN_LINE_MAX_CHARS) return fail('BAD_INPUT', `error: line longer than ${ADMIN_LINE_MAX_CHARS} characters`);
    const words = raw
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0) return fail('BAD_INPUT', `error: empty command; ${ADMIN_HELP}`);
    const [cmd, ...args] = words;
    const want = (n: number, usage: string): string | undefined => (args.length === n ? undefined : `error: usage: ${usage}`);
    let usageErr: string | undefined;
    switch (cmd.toLowerCase()) {
      case 'help':
        return ok(ADMIN_HELP);
      case 'status':
        return ok(this.statusLine());
      case 'bans':
        return ok(this.bansLine());
      case 'kick':
        if ((usageErr = want(1, 'kick <peerId>'))) return fail('BAD_INPUT', usageErr);
        return this.#withPeerId(args[0], (id) => this.kick(id, actor));
      case 'ban': {
        if (args.length !== 1 && args.length !== 2) return fail('BAD_INPUT', 'error: usage: ban <peerId> [secs]');
        if (args[1] !== undefined && !SECS_PATTERN.test(args[1]))
          return fail('BAD_INPUT', `error: secs must be a whole number (0 = permanent), got ${clip(args[1])}`);
        const secs = args[1] === undefined ? 0 : Number(args[1]);
        return this.#withPeerId(args[0], (id) => this.ban(id, actor, { secs }));
      }
      case 'mute': {
        if ((usageErr = want(2, 'mute <peerId> <secs>'))) return fail('BAD_INPUT', usageErr);
        if (!SECS_PATTERN.test(args[1])) return fail('BAD_INPUT', `error: secs must be a whole number 1..${ADMIN_MUTE_MAX_S}, got ${clip(args[1])}`);
        const secs = Number(args[1]);
        return this.#withPeerId(args[0], (id) => this.mute(id, secs, actor));
      }
      case 'unmute':
        if ((usageErr = want(1, 'unmute <peerId>'))) return fail('BAD_INPUT', usageErr);
        return this.#withPeerId(args[0], (id) => this.unmute(id, actor));
      case 'unban':
        if ((usageErr = want(1, 'unban <identity|peerId>'))) return fail('BAD_INPUT', usageErr);
        return this.unban(args[0], actor);
      default:
        return fail('BAD_INPUT', `error: unknown command ${clip(cmd)}; ${ADMIN_HELP}`);
    }
  }

  async kick(peerId: number, actor: AdminActor, opts: ActionOptions = {}): Promise<AdminOutcome> {
    const target = this.#target(peerId, actor);
    if ('code' in target) return target;
    const reason = `kicked by ${actor.kind === 'remote' ? 'an admin' : 'the server admin'}${reasonSuffix(opts.reason)}`;
    if (!this.#o.session.kick(peerId, reason)) return fail('NO_SUCH_PEER', `error: no peer ${peerId}`);
    this.#o.log.info({ event: 'admin.kick', peerId, identity: target.identity, by: actorLabel(actor) }, 'peer kicked');
    return ok(`kicked peer ${peerId} (${target.name})`);
  }

  async ban(peerId: number, actor: AdminActor, opts: ActionOptions = {}): Promise<AdminOutcome> {
    const secs = opts.secs ?? 0;
    if (!Number.isInteger(secs) || secs < 0 || secs > ADMIN_BAN_MAX_S) {
      return fail('BAD_INPUT', `error: ban secs must be a whole number 0..${ADMIN_BAN_MAX_S} (0 = permanent), got ${secs}`);
    }
    const target = this.#target(peerId, actor);
    if ('code' in target) return target;
    const reason = (opts.reason ?? '').replace(/\s+/g, ' ').trim().slice(0, 120) || 'no reason given';
    try {
      const added = await this.#o.bans.ban({ identity: target.identity, name: target.name, reason, by: actorLabel(actor), peerId, secs });
      this.#o.session.kick(peerId, `banned from this server: ${reason}`);
      this.#o.log.info({ event: 'admin.ban', peerId, identity: target.identity, by: actorLabel(actor), added, secs }, 'peer banned');
      const length = secs > 0 ? ` for ${secs} s` : '';
      return ok(`banned peer ${peerId} (${target.name}, identity ${short(target.identity)})${length}${added ? '' : ' (was already banned)'}`);
    } catch (err) {
      this.#o.log.warn({ event: 'admin.ban_failed', peerId, err: (err as Error).message }, 'ban not saved');
      return fail('FAILED', `error: ban not saved: ${oneLine((err as Error).message)}`);
    }
  }

  async mute(peerId: number, secs: number, actor: AdminActor): Promise<AdminOutcome> {
    if (!Number.isInteger(secs) || secs < 1 || secs > ADMIN_MUTE_MAX_S) {
      return fail('BAD_INPUT', `error: secs must be a whole number 1..${ADMIN_MUTE_MAX_S}, got ${secs}`);
    }
    const target = this.#target(peerId, actor);
    if ('code' in target) return target;
    this.#o.mutes.mute(target.identity, secs);
    this.#o.session.tell(peerId, `you are muted for ${secs} s`);
    this.#o.log.info({ event: 'admin.mute', peerId, identity: target.identity, secs, by: actorLabel(actor) }, 'peer muted');
    return ok(`muted peer ${peerId} (${target.name}) for ${secs} s`);
  }

  async unmute(peerId: number, actor: AdminActor): Promise<AdminOutcome> {
    const target = this.#o.session.peer(peerId);
    if (!target) return fail('NO_SUCH_PEER', `error: no peer ${peerId}`);
    if (!this.#o.mutes.unmute(target.identity)) return { ok: true, code: 'NOOP', text: `peer ${peerId} was not muted` };
    this.#o.session.tell(peerId, 'you are no longer muted');
    this.#o.log.info({ event: 'admin.unmute', peerId, identity: target.identity, by: actorLabel(actor) }, 'peer unmuted');
    return ok(`unmuted peer ${peerId} (${target.name})`);
  }

  /** `arg` is an identity, or the peer id a banned player had when banned. */
  async unban(arg: string, actor: AdminActor): Promise<AdminOutcome> {
    let identity: string | undefined;
    if (this.#o.bans.isBanned(arg)) identity = arg;
    else if (PEER_ID_PATTERN.test(arg)) identity = this.#o.bans.findByPeerId(Number(arg))?.identity;
    else if (!ADMIN_IDENTITY_PATTERN.test(arg)) return fail('BAD_INPUT', `error: not an identity or peer id: ${clip(arg)}`);
    if (!identity) return { ok: true, code: 'NOOP', text: `no ban matches ${clip(arg)}` };
    try {
      const removed = await this.#o.bans.unban(identity);
      if (!removed) return { ok: true, code: 'NOOP', text: `no ban matches ${clip(arg)}` };
      this.#o.log.info({ event: 'admin.unban', identity, by: actorLabel(actor) }, 'ban lifted');
      return ok(`unbanned ${short(identity)} (${removed.name})`);
    } catch (err) {
      return fail('FAILED', `error: unban not saved: ${oneLine((err as Error).message)}`);
    }
  }

  /** Remote AdminCmd from a connected player: only the host and listed admins may. */
  async handleRemote(fromPeerId: number, cmd: RemoteAdminCmd): Promise<AdminOutcome> {
    const from = this.#o.session.peer(fromPeerId);
    if (!from || !this.#o.admins.isAuthorised(from.identity, from.isHost === true)) {
      this.#o.log.warn(
        { event: 'admin.refused', fromPeerId, identity: from?.identity ?? null, cmdType: cmd.cmdType, param: cmd.param },
        'AdminCmd from a player who is not an admin refused',
      );
      return fail('REFUSED', 'refused: you are not an admin on this server');
    }
    const actor: AdminActor = { kind: 'remote', peerId: fromPeerId, identity: from.identity };
    if (!Number.isSafeInteger(cmd.param) || cmd.param < 0) return fail('BAD_INPUT', `error: bad peer id ${cmd.param}`);
    switch (cmd.cmdType) {
      case 'Kick':
        return this.kick(cmd.param, actor, { reason: cmd.reason });
      case 'Ban':
        return this.ban(cmd.param, actor, { secs: cmd.secs, reason: cmd.reason });
      case 'Mute':
        return this.mute(cmd.param, cmd.secs, actor);
      default:
        return fail('BAD_INPUT', `error: unknown admin command ${clip(String(cmd.cmdType))}`);
    }
  }

  /** Handshake check: a refusal reason for a banned identity, undefined when allowed in. */
  refusalFor(identity: string): string | undefined {
    const ban = this.#o.bans.isBanned(identity);
    if (!ban) return undefined;
    const until = ban.untilMs === null ? '' : ` (until ${new Date(ban.untilMs).toISOString()})`;
    return `banned from this server: ${ban.reason}${until}`;
  }

  isMuted(identity: string): boolean {
    return this.#o.mutes.isMuted(identity);
  }

  statusLine(): string {
    const s = this.#o.session.stats();
    const peers = this.#o.session.peers();
    return `uptime ${Math.round(s.uptimeS)} s, tick ${s.tickMs} ms, frame avg ${s.frameTimeAvgMs.toFixed(1)} ms, ${s.entities} entities, ${peers.length} peers, ${this.#o.bans.size} bans, ${this.#o.mutes.list().length} muted`;
  }

  bansLine(): string {
    const list = this.#o.bans.list();
    if (list.length === 0) return '0 bans';
    return `${list.length} bans: ` + list.map((b) => `${b.identity} (${b.name || '?'})`).join(', ');
  }

  #withPeerId(arg: string, run: (id: number) => Promise<AdminOutcome>): Promise<AdminOutcome> {
    if (!PEER_ID_PATTERN.test(arg)) return Promise.resolve(fail('BAD_INPUT', `error: not a peer id: ${clip(arg)}`));
    return run(Number(arg));
  }

  /** The target peer, or a failure: unknown peer, or a remote admin acting on the host/an admin. */
  #target(peerId: number, actor: AdminActor): PeerView | AdminOutcome {
    const target = this.#o.session.peer(peerId);
    if (!target) return fail('NO_SUCH_PEER', `error: no peer ${peerId}`);
    if (actor.kind === 'remote' && target.id !== actor.peerId && this.#o.admins.isAuthorised(target.identity, target.isHost === true)) {
      return fail('REFUSED', `refused: peer ${peerId} is the host or an admin`);
    }
    return target;
  }
}

function reasonSuffix(reason: string | undefined): string {
  const r = (reason ?? '').replace(/\s+/g, ' ').trim().slice(0, 120);
  return r ? `: ${r}` : '';
}

function clip(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}
function short(identity: string): string {
  return identity.length > 16 ? `${identity.slice(0, 16)}…` : identity;
}
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
