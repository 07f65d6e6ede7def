// What story sync needs of the game: the bridge's typed on/trySend (tests use an in-memory fake),
// and of the server connection: send one EMsg while in the world.
import type { MessageMap, MessageName } from '../../../bridge/index.js';
import type { EMsg } from '../../protocol/schema.gen.js';

export interface StoryGame {
  on<K extends MessageName>(name: K, handler: (m: MessageMap[K]) => void): () => void;
  trySend<K extends MessageName>(name: K, msg: MessageMap[K]): boolean;
}

/** Sends to the server on the given channel; false when not in the world (nothing sent). */
export type ServerSend = (msg: EMsg, channel?: number) => boolean;
