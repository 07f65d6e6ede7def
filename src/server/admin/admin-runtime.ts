// Everything admin in one start call, so coop-server's wiring is a few lines: the ban list, the
// mute table, the controller, the stdin console and the dashboard (token printed when generated).
import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../../util/clock.js';
import { BanStore } from './ban-store.js';
import { MuteTable } from './mute-table.js';
import { AdminList, loadAdminsFile } from './admin-list.js';
import { AdminController } from './admin-controller.js';
import { attachConsole, type AdminConsole } from './console.js';
import type { AdminOptions } from './admin-options.js';
import type { AdminLog, SessionView } from './session-view.js';
import { WebDash } from '../dash/web-dash.js';
import { resolveAdminToken } from '../dash/token.js';

export interface AdminRuntimeDeps {
  readonly options: AdminOptions;
  readonly session: SessionView;
  readonly clock: Clock;
  readonly log: AdminLog;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Where the start-up lines (dashboard address, generated token) go; default stdout. */
  readonly announce?: (line: string) => void;
}

export interface AdminRuntime {
  readonly bans: BanStore;
  readonly mutes: MuteTable;
  readonly controller: AdminController;
  /** Who may send AdminCmd (and spectate under the 'admins' policy). */
  readonly admins: AdminList;
  readonly dash: WebDash | undefined;
  readonly token: string;
  close(): Promise<void>;
}

/** Throws AdminError (bad bans.json / admins file), TokenError, or a listen error (port in use). */
export async function startAdmin(deps: AdminRuntimeDeps): Promise<AdminRuntime> {
  const { options, session, log } = deps;
  const stdout = deps.stdout ?? process.stdout;
  const announce = deps.announce ?? ((line: string) => stdout.write(`${line}\n`));
  const bans = await BanStore.open({ dataDir: options.dataDir });
  const fileIds = options.adminsFile ? await loadAdminsFile(options.adminsFile) : [];
  const admins = new AdminList([...fileIds, ...options.adminIds], options.hostIdentity);
  const mutes = new MuteTable(deps.clock);
  const controller = new AdminController({ session, bans, mutes, admins, log });
  const { token, generated } = resolveAdminToken(deps.env ?? process.env);

  let dash: WebDash | undefined;
  if (options.dashEnabled) {
    dash = new WebDash({ session, controller, token, host: options.dashHost, port: options.dashPort, log });
    const port = await dash.listen();
    const shownHost = options.dashHost.includes(':') ? `[${options.dashHost}]` : options.dashHost;
    announce(`dashboard: http://${shownHost}:${port}/`);
    if (generated) announce(`dashboard admin token: ${token}`);
  }
  log.info({ event: 'admin.start', bans: bans.size, admins: admins.size, dash: dash?.port ?? null }, 'admin tools ready');

  let con: AdminConsole | undefined;
  if (options.console && deps.stdin) con = attachConsole(controller, deps.stdin, stdout);

  return {
    bans,
    mutes,
    controller,
    admins,
    dash,
    token,
    async close() {
      con?.close();
      await dash?.close();
      await bans.flush();
    },
  };
}
