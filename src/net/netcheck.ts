#!/usr/bin/env node
// coop-netcheck: connectivity checks for players and admins. Subcommands live in SUBCOMMANDS
// (each parses its own arguments); `enet-echo` is an ENet server that echoes every packet
// back to its sender on the same channel with the same flags.
import { EnetHost } from './enet/host.js';
import { UdpTransport } from './enet/udp.js';
import { EnetError } from './enet/errors.js';
import { NAT_SUBCOMMANDS } from './nat/netcheck-nat.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/** Thrown for bad command-line input: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface Subcommand {
  summary: string;
  usage: string;
  /** Runs until done; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** Parse `--name value` pairs; every allowed flag takes a value. */
export function parseFlags(args: string[], allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const name = a.slice(2);
    if (!allowed.includes(name)) throw new UsageError(`unknown option "${a}"`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`option "${a}" needs a value`);
    if (out.has(name)) throw new UsageError(`option "${a}" given twice`);
    out.set(name, value);
    i++;
  }
  return out;
}

export function parsePort(text: string | undefined, name = '--port'): number {
  if (text === undefined) throw new UsageError(`${name} is required`);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`${name} must be a port number 0-65535, got "${text}"`);
  return Number(text);
}

const ECHO_PEER_LIMIT = 64;

const enetEcho: Subcommand = {
  summary: 'ENet echo server: returns every packet on its channel with its flags',
  usage: 'coop-netcheck enet-echo --port N [--host 127.0.0.1]',
  async run(args) {
    const flags = parseFlags(args, ['port', 'host']);
    const port = parsePort(flags.get('port'));
    const address = flags.get('host') ?? '127.0.0.1';
    const transport = await UdpTransport.bind({ address, port });
    const host = new EnetHost({ transport, peerLimit: ECHO_PEER_LIMIT });
    const local = host.address();
    const at = (p: { address: { address: string; port: number } }): string => `${p.address.address}:${p.address.port}`;
    console.log(`enet-echo listening on udp ${local.address}:${local.port}`);
    host.on('connect', (peer, data) => console.log(`connect peer=${peer.id} from=${at(peer)} data=${data} channels=${peer.channelCount}`));
    host.on('disconnect', (peer, data) => console.log(`disconnect peer=${peer.id} from=${at(peer)} data=${data}`));
    host.on('receive', (peer, channelId, data, packetFlags) => {
      peer.send(channelId, data, packetFlags);
    });
    return new Promise<number>((resolve) => {
      const stop = (): void => {
        for (const peer of host.peers) if (peer.connected) peer.disconnectNow(0);
        host.destroy();
        resolve(EXIT_OK);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

/** Subcommands by name; other areas add theirs here (e.g. a NAT path check). */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  'enet-echo': enetEcho,
  ...NAT_SUBCOMMANDS,
};

function help(): string {
  const lines = ['usage: coop-netcheck <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(SUBCOMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`, `  ${''.padEnd(12)} ${c.usage}`);
  lines.push('', 'options: --help   this text', 'exit codes: 0 ok, 1 failure, 2 bad arguments');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = SUBCOMMANDS[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}" (try --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(`usage: ${command.usage}`);
      return EXIT_OK;
    }
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`coop-netcheck: ${err.message}`);
      return EXIT_USAGE;
    }
    if (err instanceof EnetError) {
      console.error(`coop-netcheck: ${err.message}`);
      return EXIT_FAILURE;
    }
    throw err;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /netcheck(\.ts|\.js)?$|coop-netcheck(\.m?js)?$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`coop-netcheck: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(EXIT_FAILURE);
    },
  );
}
