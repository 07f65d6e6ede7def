// A minimal TURN Allocate exchange (RFC 5766 long-term auth) to see exactly what coturn answers:
// 'allocated' or the STUN error code. No retries, so a refusal is known in one round trip.
import { createSocket, type Socket } from 'node:dgram';
import { Message, classes, methods, makeIntegrityKey, parseMessage } from 'werift-ice';

const UDP_TRANSPORT = 0x11000000;
const PROBE_TIMEOUT_MS = 5_000;

function exchange(s: Socket, server: [string, number], m: Message): Promise<Message> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no answer from TURN server')), PROBE_TIMEOUT_MS);
    const onMessage = (d: Buffer): void => {
      const r = parseMessage(d);
      if (r && r.transactionIdHex === m.transactionIdHex) {
        clearTimeout(t);
        s.off('message', onMessage);
        resolve(r);
      }
    };
    s.on('message', onMessage);
    s.send(m.bytes, server[1], server[0]);
  });
}

/** One 5-tuple: coturn's nonce belongs to it. */
export async function probeAllocate(server: [string, number], username: string, password: string): Promise<'allocated' | number> {
  const s = createSocket('udp4');
  try {
    const first = new Message(methods.ALLOCATE, classes.REQUEST).setAttribute('REQUESTED-TRANSPORT', UDP_TRANSPORT);
    const challenge = await exchange(s, server, first);
    const realm = challenge.getAttributeValue('REALM') as string;
    const nonce = challenge.getAttributeValue('NONCE') as Buffer;
    const second = new Message(methods.ALLOCATE, classes.REQUEST)
      .setAttribute('REQUESTED-TRANSPORT', UDP_TRANSPORT)
      .setAttribute('USERNAME', username)
      .setAttribute('REALM', realm)
      .setAttribute('NONCE', nonce)
      .addMessageIntegrity(makeIntegrityKey(username, realm, password))
      .addFingerprint();
    const r = await exchange(s, server, second);
    if (r.messageClass === classes.RESPONSE) return 'allocated';
    return (r.getAttributeValue('ERROR-CODE') as [number, string])[0];
  } finally {
    s.close();
  }
}
