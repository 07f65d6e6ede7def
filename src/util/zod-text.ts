// One readable line out of a zod error, the same wording wherever a file, message or scenario
// fails its schema: the first issue with its path, and how many more there were.
import type { z } from 'zod';

export function describeZodError(err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return 'does not match the schema';
  const path = first.path.length ? first.path.map(String).join('.') : '(root)';
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : '';
  return `${path}: ${first.message}${more}`;
}
