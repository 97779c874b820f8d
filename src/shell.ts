// Just enough shell to read probe and hook commands: the simple commands of
// an argv, looking inside scripts passed to `sh -c` and friends.

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);

const basename = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** The simple commands an argv runs: itself, or the commands of the script a shell is given with -c. */
function simpleCommands(argv: readonly string[]): string[][] {
  const shell = argv[0] !== undefined && SHELLS.has(basename(argv[0]));
  const flag = argv.findIndex((arg, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(arg));
  if (!shell || flag === -1 || argv[flag + 1] === undefined) return [argv.map(String)];
  return argv[flag + 1]!
    .split(/&&|\|\||[;&|\n]/)
    .map(words)
    .filter((command) => command.length > 0);
}

/** Splits on whitespace, dropping quotes; good enough for the commands rules look at. */
function words(script: string): string[] {
  return [...script.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/**
 * What command patterns match: each simple command as one line, with any shell script inlined. Each is cut at
 * COMMAND_LIMIT characters, so a pattern (the user's own included) never runs over a megabyte of argv: a
 * dependency check is a short command, and a pattern that backtracks stays bounded.
 */
export function commandLines(argv: readonly string[]): string[] {
  return simpleCommands(argv).map((command) => command.join(' ').slice(0, COMMAND_LIMIT));
}

const COMMAND_LIMIT = 4096;

/** The longest `sleep N` among the commands, in seconds; null when there is none. */
export function longestSleep(argv: readonly string[]): number | null {
  let longest: number | null = null;
  for (const command of simpleCommands(argv)) {
    if (basename(command[0] ?? '') !== 'sleep') continue;
    const seconds = parseDuration(command[1] ?? '');
    if (seconds !== null && (longest === null || seconds > longest)) longest = seconds;
  }
  return longest;
}

function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(text);
  if (!m) return null;
  const scale = m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : 1;
  return Number(m[1]) * scale;
}
