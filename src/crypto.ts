// node:crypto on first use: a run that hashes nothing (most lints of a few files) does not pay for loading it,
// a few milliseconds of a start that is otherwise about twice Node's own (SPEC §8).
import { createRequire } from 'node:module';

let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}
