// Public surface of src/merge (pure data: no network, no server). The CLI and the server use it.
export { MERGE_SCHEMA_VERSION, DAT_FORMAT_VERSION, EXIT_MERGED, EXIT_ERROR, EXIT_CONFLICTS, SESSION_SAVE_SUBDIR } from './constants.js';
export { MergeError, isMergeError, type MergeErrorCode } from './errors.js';
export {
  ItemSnapSchema,
  QuestStageMapSchema,
  ProgressSchema,
  PartyMemberSchema,
  SessionFileSchema,
  ConflictSchema,
  ConflictsFileSchema,
  AnswersSchema,
  QUALITIES,
  SAVE_REASONS,
  itemKey,
  type AttrValue,
  type ItemSnap,
  type QuestStageMap,
  type Progress,
  type PartyMember,
  type SessionFile,
  type SaveReason,
  type Conflict,
  type QuestConflict,
  type ItemConflict,
  type ConflictsFile,
  type Answers,
  type Choice,
} from './model.js';
export { encodeDat, decodeDat } from './dat.js';
export { parseSessionText, readSessionFile, readDatFile, readAnswersFile, parseJsonText } from './io.js';
export { mergeProgress, questConflictId, itemConflictId, type Change, type MergeOutcome, type MergeInput, type Resolved } from './merge.js';
export { mergeWithAnswers, choiceFor } from './resolve.js';
export { promptRows, answersFromDecisions, type PromptRow, type PromptDecision } from './prompt.js';
export { SessionRecord } from './session-record.js';
export { choosePlayer, coopSideFor, type CoopSide } from './session.js';
export { renderSummary, countOf, conflictLine, type Counts } from './summary.js';
