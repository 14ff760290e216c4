/**
 * The README's shell examples as data: every fenced block tagged sh, bash or shell, in order, with
 * its "not run" marker if it has one, and the rules a block must keep so that the README test can
 * run it as written (test/readme/examples.test.ts).
 *
 * A block that cannot run in a test says so, and why, in an HTML comment on the line before it
 * (blank lines between are allowed):
 *
 *   <!-- example: not run (starts the server; the test starts its own) -->
 *
 * Fences are scanned by hand (CommonMark's backtick/tilde fences, up to 3 spaces of indent): 40
 * lines here instead of a Markdown parser dependency for the one construct we read.
 */

export interface ShellBlock {
  /** 1-based line of the opening fence in the file. */
  line: number;
  lang: string;
  code: string;
  /** The reason of a `<!-- example: not run (...) -->` marker before the block, if any. */
  notRun?: string;
}

export interface Extracted {
  blocks: ShellBlock[];
  /** Markers that are malformed, lack a reason or stand before no shell block: each one a sentence. */
  problems: string[];
}

const SHELL = new Set(['sh', 'bash', 'shell']);
const OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^\s*<!--\s*example:(.*?)-->\s*$/;
const NOT_RUN = /^\s*not run \((.*)\)\s*$/;

export function extractShellBlocks(markdown: string): Extracted {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  const problems: string[] = [];
  let pending: { line: number; reason: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const open = OPEN.exec(text);
    // CommonMark: a backtick fence's info string has no backtick (```` ```sh ```` is inline code).
    if (open && !(open[1]![0] === '`' && text.slice(text.indexOf(open[1]!) + open[1]!.length).includes('`'))) {
      const fence = open[1]!;
      const lang = open[2]!.toLowerCase();
      const body: string[] = [];
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      let j = i + 1;
      while (j < lines.length && !close.test(lines[j]!)) body.push(lines[j++]!);
      if (SHELL.has(lang)) blocks.push({ line: i + 1, lang, code: body.join('\n'), notRun: pending?.reason });
      else if (pending) problems.push(`line ${pending.line}: the example marker stands before a ${lang || 'plain'} block, not a shell block`);
      pending = undefined;
      i = j;
      continue;
    }
    const marker = MARKER.exec(text);
    if (marker) {
      if (pending) problems.push(`line ${pending.line}: the example marker stands before no shell block`);
      const reason = NOT_RUN.exec(marker[1]!)?.[1]?.trim();
      if (!reason) {
        problems.push(`line ${i + 1}: an example marker must read <!-- example: not run (why) --> with a reason, got "${text.trim()}"`);
        pending = undefined;
      } else pending = { line: i + 1, reason };
      continue;
    }
    if (pending && text.trim() !== '') {
      problems.push(`line ${pending.line}: the example marker stands before no shell block`);
      pending = undefined;
    }
  }
  if (pending) problems.push(`line ${pending.line}: the example marker stands before no shell block`);
  return { blocks, problems };
}

/**
 * Commands a test cannot run as written: they install software, start a server that holds the
 * terminal, or run a test suite or benchmark (minutes, and the suite includes this test). A block
 * using one must carry a "not run" marker; the rule is by command, never by block.
 */
const UNRUNNABLE: Array<[RegExp, string]> = [
  [/^npm (install|i|ci|start|test)\b/, 'installs packages, starts the server or runs the whole test suite'],
  [/^npm run (test|bench|worker|train|models:fetch)\b/, 'runs a test suite, a benchmark, a long-running worker or a download'],
  [/^(sudo|apt|apt-get|dpkg)\b/, 'changes the system'],
];

/**
 * The simple commands of a shell script: split at unquoted `|`, `;`, `&`, `(`, `)` and line ends
 * (not at an escaped line end), with `#` comments and leading `VAR=value` words dropped. Enough
 * shell for README one-liners; it never executes anything.
 */
export function simpleCommands(code: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '' | "'" | '"' = '';
  const push = () => {
    const words = cur.trim().split(/\s+/).filter(Boolean);
    while (words.length && /^([A-Za-z_][A-Za-z0-9_]*=\S*|!|then|do|else|time|exec|\{)$/.test(words[0]!)) words.shift();
    if (words.length) out.push(words.join(' '));
    cur = '';
  };
  // A $( ... ) inside double quotes is a script of its own: remember the quote to return to.
  const outer: Array<'' | '"'> = [];
  for (let k = 0; k < code.length; k++) {
    const c = code[k]!;
    if (quote === '"' && c === '$' && code[k + 1] === '(') {
      outer.push('"');
      quote = '';
      k++;
      push();
    } else if (quote) {
      if (c === quote) quote = '';
      if (c === '\\' && quote === '"') cur += c + (code[++k] ?? '');
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '\\') {
      // An escaped line end joins the lines; any other escaped character is kept.
      if (code[k + 1] === '\n') k++;
      else cur += c + (code[++k] ?? '');
    } else if (c === '#' && (cur === '' || /\s$/.test(cur))) {
      while (k < code.length && code[k] !== '\n') k++;
      push();
    } else if (c === '(' && code[k - 1] === '$') {
      outer.push('');
      cur = cur.slice(0, -1);
      push();
    } else if (c === ')' && outer.length) {
      quote = outer.pop()!;
      push();
    } else if ('|;&()\n'.includes(c)) push();
    else cur += c;
  }
  push();
  return out;
}

const CURL_FAILS = /(^|\s)(-[A-Za-z]*f[A-Za-z]*|--fail|--fail-with-body)(\s|$)/;

/** Why a block cannot run unmarked, one sentence per reason; empty when it may run. */
export function blockProblems(block: ShellBlock): string[] {
  if (block.notRun !== undefined) return [];
  const problems: string[] = [];
  for (const cmd of simpleCommands(block.code)) {
    const hit = UNRUNNABLE.find(([re]) => re.test(cmd));
    if (hit) problems.push(`line ${block.line}: "${cmd}" ${hit[1]}: mark the block <!-- example: not run (why) -->`);
    // curl exits 0 on a 4xx/5xx unless told to fail, so an example without -f could be broken and pass.
    if (/^curl\b/.test(cmd) && !CURL_FAILS.test(cmd)) problems.push(`line ${block.line}: "${cmd.slice(0, 80)}" needs -f (curl -fsS): without it an HTTP error passes`);
  }
  return problems;
}
