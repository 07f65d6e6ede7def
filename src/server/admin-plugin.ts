// Wires the admin tools (src/server/admin) into the server's plugin seam: bans refuse at the
// handshake, mutes gate chat, AdminCmd from players goes to the controller and is answered.
import { AdminCmdType } from '../protocol/schema.gen.js';
import { gateChat } from './admin/chat-gate.js';
import type { AdminRuntime } from './admin/admin-runtime.js';
import type { RemoteAdminCmd } from './admin/admin-controller.js';
import type { ServerPlugin } from './plugin.js';
import type { CoopServer } from './server.js';

const CMD_NAMES: Record<number, RemoteAdminCmd['cmdType']> = {
  [AdminCmdType.ADMIN_KICK]: 'Kick',
  [AdminCmdType.ADMIN_BAN]: 'Ban',
  [AdminCmdType.ADMIN_MUTE]: 'Mute',
};

export function adminPlugin(server: CoopServer, admin: AdminRuntime): ServerPlugin {
  return {
    name: 'admin',
    admit: (who) => admin.controller.refusalFor(who.identity) ?? null,
    chat: (conn, text) => {
      const d = gateChat(admin.mutes, conn.identity, text);
      if (d.relay) return d.text;
      server.notice(conn, d.notice, 1);
      return null;
    },
    message: (conn, kind, msg) => {
      if (kind !== 'adminCmd') return false;
      const c = msg.adminCmd ?? {};
      const cmdType = CMD_NAMES[c.cmdType ?? 0];
      if (!cmdType) {
        server.send(conn, { adminReply: { ok: false, text: `error: unknown admin command ${c.cmdType ?? 0}` } });
        return true;
      }
      void admin.controller
        .handleRemote(conn.peerId, { cmdType, param: c.param ?? 0, secs: c.secs ?? 0, reason: c.reason || undefined })
        .then((out) => server.send(conn, { adminReply: { ok: out.ok, text: out.text } }))
        .catch((err: Error) => server.send(conn, { adminReply: { ok: false, text: `error: ${err.message}` } }));
      return true;
    },
  };
}
