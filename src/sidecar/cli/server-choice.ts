// Which server the sidecar plays on: the one coop-bridge.ini names (--server, or --master with
// --join: slot 0), or one of the ini's saved servers the player picked in the settings menu
// (SettingsChanged.serverSlot 1..8). A pick before the game's first transform only chooses
// where the first join goes; after it, a different slot switches servers. An empty or bad
// slot is told to the player and changes nothing.
import type { Bridge } from '../../../bridge/index.js';
import { lobbyTarget, loadSavedServers, type SavedServers, type ServerTarget } from '../saved-servers.js';
import type { GameLink } from '../game-link.js';
import type { SidecarOptions } from './sidecar-options.js';

const NOTIFY_WARNING = 1;
const MENU_PATH = 'Settings → Mods → Co-op → Server';

export interface ServerChoiceOptions {
  o: Pick<SidecarOptions, 'server' | 'nat' | 'join' | 'savedServers'>;
  say: (line: string) => void;
  game: Pick<GameLink, 'notify'>;
  /** After ready(): the player picked another server. */
  onSwitch: (target: ServerTarget) => void;
  /** The saved servers; default: read from o.savedServers. */
  saved?: SavedServers;
}

export class ServerChoice {
  readonly #c: ServerChoiceOptions;
  readonly #start: ServerTarget | undefined;
  readonly #saved: SavedServers | undefined;
  #slot = 0;
  #ready = false;
  #off: (() => void) | undefined;

  constructor(c: ServerChoiceOptions) {
    this.#c = c;
    const { server, nat, join, savedServers } = c.o;
    this.#start = server
      ? { kind: 'server', address: server.address, port: server.port, label: `${server.address}:${server.port}` }
      : nat && join
        ? lobbyTarget(join, nat)
        : undefined;
    this.#saved = c.saved ?? (savedServers !== undefined ? loadSavedServers(savedServers, nat) : undefined);
    for (const p of this.#saved?.problems ?? []) c.say(`saved servers: ${p}`);
    if (this.#saved) c.say(`saved servers: ${[...this.#saved.slots.keys()].map((k) => `slot ${k}`).join(', ') || 'none'} (${savedServers ?? 'given'})`);
  }

  get slot(): number {
    return this.#slot;
  }

  targetOf(slot: number): ServerTarget | undefined {
    return slot === 0 ? this.#start : this.#saved?.slots.get(slot);
  }

  /** SettingsChanged.serverSlot. */
  pick(slot: number): void {
    if (slot === this.#slot) return;
    const target = this.targetOf(slot);
    if (!target) {
      this.#tell(slot === 0 ? 'coop-bridge.ini names no server or lobby' : `server slot ${slot} is empty in coop-bridge.ini (server${slot} = …)`);
      return;
    }
    this.#slot = slot;
    this.#c.say(`settings: server slot ${slot}: ${target.label}`);
    if (this.#ready) this.#c.onSwitch(target);
  }

  /** The game is there: where the first join goes (undefined: none chosen yet, told to the player). */
  ready(): ServerTarget | undefined {
    this.#ready = true;
    const target = this.targetOf(this.#slot);
    if (!target) this.#tell(`no server chosen: pick one in ${MENU_PATH}, or set server or lobby in coop-bridge.ini`);
    return target;
  }

  listen(bridge: Pick<Bridge, 'on'>): void {
    this.#off = bridge.on('SettingsChanged', (m) => this.pick(m.serverSlot));
  }

  close(): void {
    this.#off?.();
  }

  #tell(line: string): void {
    this.#c.say(line);
    this.#c.game.notify(NOTIFY_WARNING, 'coop', line);
  }
}
