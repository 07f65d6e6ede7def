// SA-1 in the sidecar. `/spectate <peerId>` typed in the game console becomes SpectateRequest
// (`/spectate` alone stops); SpectateGranted puts the game in free-fly (SpectateEnter: collision
// off, HUD hidden — SpectatorCam.EnterSpectate in the stubs); the camera's position goes to the
// server, whose interest follows it; SpectateEnded, a refusal, a kick or a lost link take the
// game back to play (SpectateExit with the reason).
import { CHANNEL_RELIABLE, CHANNEL_SNAPSHOT } from '../../protocol/constants.js';
import type { EMsg } from '../../protocol/schema.gen.js';
import type { ServerSend, StoryGame } from './game-port.js';

/** The camera's position goes to the server at most this often, ms. */
export const SPECTATE_CAMERA_SEND_MS = 100;
const COMMAND = /^\/?spectate(?:\s+(\S+))?\s*$/i;

export class SpectateLink {
  readonly #game: StoryGame;
  readonly #send: ServerSend;
  readonly #now: () => number;
  readonly #offs: Array<() => void> = [];
  #asked = 0;
  #watching = 0;
  #lastCamMs = -Infinity;

  constructor(o: { game: StoryGame; send: ServerSend; now: () => number }) {
    this.#game = o.game;
    this.#send = o.send;
    this.#now = o.now;
    this.#offs.push(
      o.game.on('ConsoleCommand', (m) => this.#command(m.text)),
      o.game.on('SpectateCamera', (m) => {
        const now = this.#now();
        if (this.#watching === 0 || now - this.#lastCamMs < SPECTATE_CAMERA_SEND_MS) return;
        this.#lastCamMs = now;
        this.#send({ spectateCamera: { x: m.pos.x, y: m.pos.y, z: m.pos.z } }, CHANNEL_SNAPSHOT);
      }),
    );
  }

  get watching(): number {
    return this.#watching;
  }

  #command(text: string): void {
    const m = COMMAND.exec(text.trim());
    if (!m) return; // not ours
    const arg = m[1];
    const peerId = arg === undefined ? 0 : Number(arg);
    if (!Number.isInteger(peerId) || peerId < 0 || peerId > 0xffff_ffff) {
      this.#game.trySend('SpectateRefused', { targetPeerId: 0, reason: `usage: /spectate <peer id> (a number), or /spectate to stop; got '${arg}'` });
      return;
    }
    this.#asked = peerId;
    if (!this.#send({ spectateRequest: { peerId } }, CHANNEL_RELIABLE))
      this.#game.trySend('SpectateRefused', { targetPeerId: peerId, reason: 'not connected to a server' });
  }

  /** Server messages for spectating; true when handled. */
  message(kind: string, m: EMsg): boolean {
    if (kind === 'spectateGranted') {
      this.#watching = m.spectateGranted?.peerId ?? 0;
      this.#game.trySend('SpectateEnter', { targetEntityId: m.spectateGranted?.avatarEntityId ?? 0, disableCollision: true, hideHud: true });
      return true;
    }
    if (kind === 'spectateEnded') {
      this.#exit(m.spectateEnded?.reason ?? 'ended');
      return true;
    }
    return false;
  }

  refused(reason: string): void {
    this.#game.trySend('SpectateRefused', { targetPeerId: this.#asked, reason });
  }

  #exit(reason: string): void {
    if (this.#watching === 0) return;
    this.#watching = 0;
    this.#game.trySend('SpectateExit', { reason });
  }

  /** The server is gone (link lost, kicked, quit): back to play. */
  left(reason: string): void {
    this.#exit(reason);
  }
  close(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}
