// The mute check on the chat path: the server asks before relaying a ChatMsg. A muted player's
// message is not relayed and the player is told how long the mute has left.
import type { MuteTable } from './mute-table.js';
import { CHAT_TEXT_MAX_CHARS } from './constants.js';

export type ChatDecision =
  { readonly relay: true; readonly text: string } | { readonly relay: false; readonly reason: 'muted' | 'empty'; readonly notice: string };

// C0/C1 controls and bidi overrides: a chat line is one plain line.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Cleans chat text: controls removed, trimmed, cut to CHAT_TEXT_MAX_CHARS code points. */
export function cleanChatText(raw: string): string {
  const text = raw.replace(CONTROL_CHARS, ' ').trim();
  const points = [...text];
  return points.length > CHAT_TEXT_MAX_CHARS ? points.slice(0, CHAT_TEXT_MAX_CHARS).join('') : text;
}

export function gateChat(mutes: MuteTable, identity: string, raw: string): ChatDecision {
  const left = mutes.remainingMs(identity);
  if (left > 0) {
    return { relay: false, reason: 'muted', notice: `you are muted for ${Math.ceil(left / 1000)} s more; your message was not sent` };
  }
  const text = cleanChatText(raw);
  if (text === '') return { relay: false, reason: 'empty', notice: 'empty message not sent' };
  return { relay: true, text };
}
