// The headless game's scenario file: a list of steps, each at a time (ms after the sidecar
// attaches) doing one action from actions.ts. Validated with zod at the edge: a bad file gets
// one clear line naming the step.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../util/zod-text.js';

export const StepSchema = z.object({ at: z.number().min(0), do: z.string().min(1) }).passthrough();
export type Step = z.infer<typeof StepSchema>;

export const ScenarioSchema = z
  .object({
    name: z.string().default('scenario'),
    steps: z.array(StepSchema).default([]),
    /** Run the steps again after the last one (the demo). */
    repeat: z.boolean().default(false),
    /** Pause before repeating or ending (ms). */
    endPauseMs: z.number().min(0).default(0),
    /** Answers the game gives to sidecar requests (see reactions.ts). */
    progressBase64: z.string().default(''),
    mergePolicy: z.enum(['accept-all', 'skip-all', 'alternate']).default('accept-all'),
    /** A scene this game is told to play starts only after loading this long (a late loader), ms. */
    sceneLoadMs: z.number().min(0).default(0),
  })
  .passthrough();
export type Scenario = z.infer<typeof ScenarioSchema>;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function parseScenario(json: unknown, where = 'scenario'): Scenario {
  const r = ScenarioSchema.safeParse(json);
  if (!r.success) {
    throw new ScenarioError(`${where}: ${describeZodError(r.error)}`);
  }
  return { ...r.data, steps: [...r.data.steps].sort((a, b) => a.at - b.at) };
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario ${path} is not JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, path);
}
