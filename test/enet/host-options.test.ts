// EnetHost's options (host-options.ts): defaults filled in, each bad option refused with
// ENET_BAD_OPTION naming it, and a refused host never takes the transport's receive handler.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST_OPTIONS, HOST_SERVICE_INTERVAL_MAX_MS } from '../../src/net/enet/constants.js';
import { EnetError } from '../../src/net/enet/errors.js';
import { resolveHostOptions, type EnetHostOptions } from '../../src/net/enet/host-options.js';
import { EnetHost } from '../../src/net/enet/host.js';
import type { DatagramHandler, DatagramTransport } from '../../src/net/enet/transport.js';

/** A transport that records whether a host took its receive handler. */
function stubTransport(): DatagramTransport & { handler: DatagramHandler | null } {
  return {
    handler: null,
    send: () => true,
    onDatagram(handler) {
      this.handler = handler;
    },
    localAddress: () => ({ address: '127.0.0.1', port: 1 }),
    close: () => {},
  };
}

function refusal(options: Partial<EnetHostOptions>): string {
  try {
    resolveHostOptions({ transport: stubTransport(), ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(EnetError);
    expect((error as EnetError).code).toBe('ENET_BAD_OPTION');
    return (error as EnetError).message;
  }
  throw new Error('accepted');
}

describe('EnetHost options', () => {
  it('fills in the defaults', () => {
    const o = resolveHostOptions({ transport: stubTransport() });
    const d = DEFAULT_HOST_OPTIONS;
    expect([o.peerLimit, o.channelLimit, o.mtu, o.checksum, o.compressor]).toEqual([d.peerLimit, d.channelLimit, d.mtu, d.checksum, d.compressor]);
    expect(o.halfOpenLimits).toEqual({ perAddress: d.halfOpenPerAddress, total: d.halfOpenTotal });
    expect(o.serviceIntervalMs).toBe(d.serviceIntervalMs);
    const id = o.random();
    expect(Number.isInteger(id) && id >= 1 && id < 0xffffffff).toBe(true);
  });

  it('refuses each bad option, naming it', () => {
    expect(() => resolveHostOptions({} as EnetHostOptions)).toThrow(/transport/);
    expect(refusal({ peerLimit: 0 })).toMatch(/^peerLimit /);
    expect(refusal({ channelLimit: 256 })).toMatch(/^channelLimit /);
    expect(refusal({ incomingBandwidth: -1 })).toMatch(/^incomingBandwidth /);
    expect(refusal({ mtu: 100 })).toMatch(/^mtu /);
    expect(refusal({ compressor: 'zlib' as unknown as 'none' })).toMatch(/^compressor /);
    expect(refusal({ maximumPacketSize: 0.5 })).toMatch(/^maximumPacketSize /);
    expect(refusal({ halfOpen: { total: 0 } })).toMatch(/^halfOpen\.total /);
    expect(refusal({ serviceIntervalMs: HOST_SERVICE_INTERVAL_MAX_MS + 1 })).toMatch(/^serviceIntervalMs /);
    // the first bad one in a fixed order is the one reported
    expect(refusal({ mtu: 100, peerLimit: 0 })).toMatch(/^peerLimit /);
  });

  it('checks the service interval only in real-time mode, and halfOpen: false means no bounds', () => {
    const o = resolveHostOptions({ transport: stubTransport(), autoService: false, serviceIntervalMs: 0, halfOpen: false });
    expect(o.serviceIntervalMs).toBeNull();
    expect(o.halfOpenLimits).toBeNull();
  });

  it('a refused host leaves the transport alone', () => {
    const transport = stubTransport();
    expect(() => new EnetHost({ transport, serviceIntervalMs: 0 })).toThrow(/serviceIntervalMs/);
    expect(transport.handler).toBeNull();
    const host = new EnetHost({ transport, autoService: false });
    expect(transport.handler).not.toBeNull();
    host.destroy();
  });
});
