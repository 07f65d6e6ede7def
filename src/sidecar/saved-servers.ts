// The saved servers the settings menu picks from. Mod Settings has no text fields (only Bool,
// Int32, Float and enums, whose values are fixed when the scripts compile), so the menu offers
// "Server: coop-bridge.ini / Slot 1..8" and the addresses live in coop-bridge.ini beside the
// plugin: `server1 = host:7777` for a direct server, `server2 = lobby:<lobby id>` for a lobby on
// the ini's `master`. The sidecar reads the same file the plugin does (--saved-servers FILE).
// A bad line is reported and skipped, never thrown: the file is hand-edited by players.
import { readFileSync } from 'node:fs';
import { natSettingsFrom, type NatSettings } from '../cli/option-groups.js';
import { oneLine } from '../cli/command.js';
import { parseHostPort } from '../cli/options.js';

/** Slots the menu offers besides slot 0 (the ini's own server/lobby); CoopSettings.reds matches. */
export const SAVED_SERVER_SLOTS = 8;
/** Lobby ids are the ids coop-master hands out: 4..64 of A-Z a-z 0-9 _ -. */
export const LOBBY_ID_PATTERN = /^[A-Za-z0-9_-]{4,64}$/;
/** Larger files are not a coop-bridge.ini: not read. */
export const SAVED_SERVERS_MAX_BYTES = 64 * 1024;

export type ServerTarget =
  | { readonly kind: 'server'; readonly address: string; readonly port: number; readonly label: string }
  | { readonly kind: 'lobby'; readonly lobbyId: string; readonly nat: NatSettings; readonly label: string };

export interface SavedServers {
  readonly slots: ReadonlyMap<number, ServerTarget>;
  /** One line per entry skipped, for the log. */
  readonly problems: readonly string[];
}

/** A direct server target from HOST:PORT, or undefined when it is not one. */
export function serverTarget(value: string): ServerTarget | undefined {
  const hp = parseHostPort(value);
  if (!hp) return undefined;
  const address = hp.host === 'localhost' ? '127.0.0.1' : hp.host;
  return { kind: 'server', address, port: hp.port, label: `${address}:${hp.port}` };
}

export function lobbyTarget(lobbyId: string, nat: NatSettings): ServerTarget {
  return { kind: 'lobby', lobbyId, nat, label: `lobby ${lobbyId} on ${nat.master.join(', ')}` };
}

/** `key = value` lines of an ini text (comments: # or ;); the last of a repeated key wins. */
function iniValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line.startsWith('#') || line.startsWith(';') || eq < 0) continue;
    out.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return out;
}

/**
 * The slots in an ini text. `nat` is how lobbies are reached when the sidecar was started
 * through a master (--master); otherwise the ini's `master` key is used.
 */
export function parseSavedServers(text: string, nat?: NatSettings): SavedServers {
  const values = iniValues(text);
  const problems: string[] = [];
  let lobbyNat = nat;
  const master = values.get('master');
  if (!lobbyNat && master) {
    try {
      lobbyNat = natSettingsFrom({ master });
    } catch (err) {
      problems.push(`master: ${oneLine(err)}`);
    }
  }
  const slots = new Map<number, ServerTarget>();
  for (let slot = 1; slot <= SAVED_SERVER_SLOTS; slot++) {
    const value = values.get(`server${slot}`);
    if (!value) continue;
    const lobby = /^lobby:\s*(.*)$/i.exec(value)?.[1];
    if (lobby !== undefined) {
      if (!LOBBY_ID_PATTERN.test(lobby)) problems.push(`server${slot}: "${lobby}" is not a lobby id (4..64 of A-Z a-z 0-9 _ -)`);
      else if (!lobbyNat) problems.push(`server${slot}: a lobby needs "master = http://host:port" in the same file`);
      else slots.set(slot, lobbyTarget(lobby, lobbyNat));
      continue;
    }
    const server = serverTarget(value);
    if (server) slots.set(slot, server);
    else problems.push(`server${slot}: "${value}" is neither HOST:PORT nor lobby:<lobby id>`);
  }
  return { slots, problems };
}

/** Reads the file; a missing, unreadable or oversized file is no slots and one problem. */
export function loadSavedServers(path: string, nat?: NatSettings): SavedServers {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.byteLength > SAVED_SERVERS_MAX_BYTES) return { slots: new Map(), problems: [`${path}: over ${SAVED_SERVERS_MAX_BYTES} bytes, not read`] };
    text = buf.toString('utf8');
  } catch (err) {
    return { slots: new Map(), problems: [`${path}: ${oneLine(err)}`] };
  }
  return parseSavedServers(text, nat);
}
