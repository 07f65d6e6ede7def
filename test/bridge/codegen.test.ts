import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { driftedFiles, generateAll } from '../../bridge/codegen/generate.js';
import { loadManifest, parseManifest, ManifestError } from '../../bridge/codegen/manifest.js';
import * as L from '../../bridge/layout.js';
import { LAZY_MESSAGES, MESSAGE_IDS, SCHEMA_HASH } from '../../bridge/index.js';
import { LAZY_TYPES } from '../../bridge/generated/types.js';

describe('hook manifest codegen', () => {
  it('every generated file matches the manifest (run `npm run gen` when this fails)', () => {
    expect(driftedFiles(generateAll(loadManifest()))).toEqual([]);
  });

  it('covers the hooks the issue names, ids unique', () => {
    const names = Object.keys(MESSAGE_IDS);
    for (const n of [
      'PlayerTransform',
      'StartCinematic',
      'SeekCinematic',
      'DialogueWheelShown',
      'DialogueChoiceSelected',
      'DialogueAdvance',
      'MicIconShow',
      'MicIconHide',
      'RemoteEntityState',
      'SpawnProxy',
      'DespawnProxy',
      'InterpDelayChanged',
      'ConsoleCommand',
      'PushToTalkDown',
      'PushToTalkUp',
      'SettingsChanged',
      'SpectateEnter',
      'SpectateExit',
      'Notification',
      'ExportProgressRequest',
      'ProgressData',
      'ApplyProgress',
      'MergeConflicts',
      'MergeAnswer',
    ]) {
      expect(names).toContain(n);
    }
    const ids = Object.values(MESSAGE_IDS);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('adding a message is one entry: it appears in every output and changes the schema hash', () => {
    const json = JSON.parse(readFileSync('bridge/hooks.manifest.json', 'utf8'));
    json.messages.ZzTest = { id: 60000, from: 'both', hook: 'test', doc: 'test', fields: { a: 'u16', b: 'Vec3[]', c: 'bytes' } };
    const m = parseManifest(json);
    const files = generateAll(m);
    expect(files.get('bridge/generated/types.ts')).toContain('export interface ZzTest {');
    expect(files.get('bridge/generated/codecs.ts')).toContain('ZzTest: { id: 60000');
    expect(files.get('native-shims/generated/coop_hooks.h')).toContain('COOP_MSG_ZZ_TEST = 60000');
    expect(files.get('redscript-stubs/generated/CoopBridgeNatives.reds')).toContain('CoopBridgeSendZzTest(msg: CoopMsgZzTest)');
    expect(m.schemaHash).not.toBe(SCHEMA_HASH);
    // Docs do not change the wire: the hash stays.
    const json2 = JSON.parse(readFileSync('bridge/hooks.manifest.json', 'utf8'));
    json2.messages.PlayerTransform.doc = 'reworded';
    expect(parseManifest(json2).schemaHash).toBe(SCHEMA_HASH);
  });

  it('refuses bad manifests with the offending name', () => {
    const base = () => JSON.parse(readFileSync('bridge/hooks.manifest.json', 'utf8'));
    const dup = base();
    dup.messages.Dup = { id: 1, from: 'game', fields: {} };
    expect(() => parseManifest(dup)).toThrow(/message Dup: id 1 is already used by PlayerTransform/);
    const badType = base();
    badType.messages.Bad = { id: 999, from: 'game', fields: { x: 'u64' } };
    expect(() => parseManifest(badType)).toThrow(ManifestError);
    expect(() => parseManifest(badType)).toThrow(/Bad\.x: unknown type 'u64'/);
    const badId = base();
    badId.messages.Pad = { id: 0xffff, from: 'game', fields: {} };
    expect(() => parseManifest(badId)).toThrow(/id must be an integer in 1\.\.65534/);
    const badFrom = base();
    badFrom.messages.Dir = { id: 998, from: 'server', fields: {} };
    expect(() => parseManifest(badFrom)).toThrow(/from must be game, sidecar or both/);
  });

  it('lazy: a boolean only, part of the schema hash, and in the TS table and the C test', () => {
    const base = () => JSON.parse(readFileSync('bridge/hooks.manifest.json', 'utf8'));
    const yes = base();
    yes.messages.PlayerTransform.lazy = 'yes';
    expect(() => parseManifest(yes)).toThrow(/message PlayerTransform: lazy must be true or false \(got "yes"\)/);
    // Builds that disagree on lazy refuse each other: the hash moves when it flips.
    const eager = base();
    eager.messages.PlayerTransform.lazy = false;
    const eagerHash = parseManifest(eager).schemaHash;
    expect(eagerHash).not.toBe(SCHEMA_HASH);
    delete eager.messages.PlayerTransform.lazy; // absent means false
    expect(parseManifest(eager).schemaHash).toBe(eagerHash);
    expect(LAZY_MESSAGES).toEqual(['PlayerTransform']);
    expect([...LAZY_TYPES.keys()].filter((id) => LAZY_TYPES[id] === 1)).toEqual([MESSAGE_IDS.PlayerTransform]);
    expect(LAZY_TYPES[MESSAGE_IDS.ConsoleCommand] ?? 0).toBe(0);
    const two = base();
    two.messages.ConsoleCommand.lazy = true;
    const files = generateAll(parseManifest(two));
    expect(files.get('native-shims/generated/coop_hooks.h')).toContain(
      'static inline int coop_msg_is_lazy(uint16_t type) { return type == COOP_MSG_PLAYER_TRANSFORM || type == COOP_MSG_CONSOLE_COMMAND; }',
    );
    expect(files.get('bridge/generated/types.ts')).toContain("LAZY_MESSAGES: readonly MessageName[] = ['PlayerTransform', 'ConsoleCommand']");
  });

  it('the C header and the TS layout agree on every offset', () => {
    const h = readFileSync('native-shims/include/coop_shim.h', 'utf8');
    const def = (name: string): number => {
      const m = new RegExp(`#define ${name} \\(?([0-9a-fA-Fx]+)u?`).exec(h);
      if (!m) throw new Error(`no #define ${name}`);
      return Number(m[1]);
    };
    expect(def('COOP_MAGIC')).toBe(L.BRIDGE_MAGIC);
    expect(def('COOP_ABI_VERSION')).toBe(L.BRIDGE_ABI_VERSION);
    const pairs: [string, number][] = [
      ['COOP_OFF_MAGIC', L.OFF_MAGIC],
      ['COOP_OFF_ABI', L.OFF_ABI],
      ['COOP_OFF_SCHEMA', L.OFF_SCHEMA],
      ['COOP_OFF_HEADER_BYTES', L.OFF_HEADER_BYTES],
      ['COOP_OFF_RING_BYTES', L.OFF_RING_BYTES],
      ['COOP_OFF_PID_GAME', L.OFF_PID_GAME],
      ['COOP_OFF_PID_SIDECAR', L.OFF_PID_SIDECAR],
      ['COOP_OFF_BEAT_GAME', L.OFF_BEAT_GAME],
      ['COOP_OFF_BEAT_SIDECAR', L.OFF_BEAT_SIDECAR],
      ['COOP_OFF_RING0_CTRL', L.OFF_RING0_CTRL],
      ['COOP_OFF_RING1_CTRL', L.OFF_RING1_CTRL],
      ['COOP_CTRL_WRITE_IDX', L.CTRL_WRITE_IDX],
      ['COOP_CTRL_WAKE_SEQ', L.CTRL_WAKE_SEQ],
      ['COOP_CTRL_READER_WAITING', L.CTRL_READER_WAITING],
      ['COOP_READER_NOT_WAITING', L.READER_NOT_WAITING],
      ['COOP_READER_WAITING_ANY', L.READER_WAITING_ANY],
      ['COOP_READER_WAITING_NOT_LAZY', L.READER_WAITING_NOT_LAZY],
      ['COOP_CTRL_READ_IDX', L.CTRL_READ_IDX],
      ['COOP_HEADER_BYTES', L.HEADER_BYTES],
      ['COOP_RING_MIN_BYTES', L.RING_MIN_BYTES],
      ['COOP_RING_DEFAULT_BYTES', L.RING_DEFAULT_BYTES],
      ['COOP_FRAME_HEADER_BYTES', L.FRAME_HEADER_BYTES],
      ['COOP_FRAME_ALIGN_BYTES', L.FRAME_ALIGN_BYTES],
      ['COOP_FRAME_TYPE_PAD', L.FRAME_TYPE_PAD],
    ];
    for (const [name, value] of pairs) expect([name, def(name)]).toEqual([name, value]);
  });
});
