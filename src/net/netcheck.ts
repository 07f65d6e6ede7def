// coop-netcheck: connectivity checks for players and admins. Subcommands live in SUBCOMMANDS
// (each parses its own arguments with the shared CLI layer); `enet-echo` is an ENet server that
// echoes every packet back to its sender on the same channel with the same flags.
import { parseCommandLine, runCommand, EXIT_OK, EXIT_USAGE, exitCodesHelp, UsageError } from '../cli/command.js';
import { untilSignal, type CliIo } from '../cli/io.js';
import { readIp, readPort } from '../cli/options.js';
import { EnetHost } from './enet/host.js';
import { UdpTransport } from './enet/udp.js';
import { NAT_SUBCOMMANDS } from './nat/netcheck-nat.js';

const NAME = 'coop-netcheck';
const ECHO_PEER_LIMIT = 64;
const ECHO_DEFAULT_HOST = '127.0.0.1';

export interface Subcommand {
  summary: string;
  usage: string;
  /** Runs until done (or a signal); resolves to the exit code. Bad arguments throw UsageError. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export const ENET_ECHO_OPTIONS = { port: { type: 'string' }, host: { type: 'string' } } as const;

const enetEcho: Subcommand = {
  summary: 'ENet echo server: returns every packet on its channel with its flags',
  usage: 'coop-netcheck enet-echo --port N [--host 127.0.0.1]',
  async run(args, io) {
    const { values } = parseCommandLine(args, ENET_ECHO_OPTIONS);
    if (values.port === undefined) throw new UsageError('--port is required');
    const port = readPort(values.port, '--port') as number;
    const address = readIp(values.host, '--host', { localhost: true }) ?? ECHO_DEFAULT_HOST;
    const transport = await UdpTransport.bind({ address, port });
    const host = new EnetHost({ transport, peerLimit: ECHO_PEER_LIMIT });
    const local = host.address();
    const at = (p: { address: { address: string; port: number } }): string => `${p.address.address}:${p.address.port}`;
    const say = (line: string): void => io.stdout(`${line}\n`);
    say(`enet-echo listening on udp ${local.address}:${local.port}`);
    host.on('connect', (peer, data) => say(`connect peer=${peer.id} from=${at(peer)} data=${data} channels=${peer.channelCount}`));
    host.on('disconnect', (peer, data) => say(`disconnect peer=${peer.id} from=${at(peer)} data=${data}`));
    host.on('receive', (peer, channelId, data, packetFlags) => {
      peer.send(channelId, data, packetFlags);
    });
    await untilSignal(io);
    for (const peer of host.peers) if (peer.connected) peer.disconnectNow(0);
    host.destroy();
    return EXIT_OK;
  },
};

/** Subcommands by name; other areas add theirs here (e.g. a NAT path check). */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  'enet-echo': enetEcho,
  ...NAT_SUBCOMMANDS,
};

export function netcheckHelp(): string {
  const lines = ['usage: coop-netcheck <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(SUBCOMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`, `  ${''.padEnd(12)} ${c.usage}`);
  lines.push('', 'options: --help   this text', exitCodesHelp('ok'));
  return lines.join('\n');
}

export async function runNetcheck(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${netcheckHelp()}\n`);
    return EXIT_OK;
  }
  if (name === undefined) {
    io.stderr(`${NAME}: a command is required: ${Object.keys(SUBCOMMANDS).join(', ')} (see --help)\n`);
    return EXIT_USAGE;
  }
  return runCommand(NAME, io, async () => {
    const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (command === undefined) throw new UsageError(`unknown command "${name}" (see --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`usage: ${command.usage}\n`);
      return EXIT_OK;
    }
    return command.run(rest, io);
  });
}
