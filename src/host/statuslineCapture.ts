// Installing / removing the statusline capture: a tiny statusLine command in Claude Code's settings.json
// that saves the JSON Claude Code pipes in (it carries the official `rate_limits`) to a file we watch, then
// runs the statusLine command the user already had with the same input, so what they see is unchanged.
// Only ever run on the user's click. Every edit of settings.json is a JSON rewrite via temp file + rename,
// after a backup copy; removal restores the previous statusLine exactly.
// No `vscode` import: tested in plain Node on a temp HOME.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CAPTURE_SCRIPT_NAME = 'statusline-capture.sh';
export const CAPTURE_FILE_NAME = 'statusline.json';
const RECORD_FILE_NAME = 'statusline-install.json';

export interface CapturePaths {
  /** Claude Code's user settings: $CLAUDE_CONFIG_DIR/settings.json or ~/.claude/settings.json. */
  settingsPath: string;
  /** Our folder (the extension's global storage): holds the script, the capture and the install record. */
  captureDir: string;
}

/** The record of what install changed, so remove can put it back exactly. */
interface InstallRecord {
  settingsPath: string;
  /** Whether settings.json had a statusLine key, and its exact value. */
  hadStatusLine: boolean;
  previousStatusLine: unknown;
  /** Whether settings.json existed at all. */
  settingsExisted: boolean;
  /** The file's bytes before install, and a hash of what install wrote: unchanged since → restore verbatim. */
  originalText: string | null;
  writtenSha256: string;
  command: string;
  installedAt: string;
}

export function claudeSettingsPath(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const configDir = (env.CLAUDE_CONFIG_DIR ?? '').split(',')[0]?.trim();
  return path.join(configDir || path.join(home, '.claude'), 'settings.json');
}

export function captureFilePath(captureDir: string): string {
  return path.join(captureDir, CAPTURE_FILE_NAME);
}

/** Single-quotes a string for POSIX sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sha256(s: string): string {
  // Loaded on demand: only the install/remove commands need it, never activation.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const crypto = require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(s).digest('hex');
}

/** The capture script. POSIX sh: Claude Code runs statusLine commands through the shell. */
export function captureScript(captureDir: string, previousCommand: string | null): string {
  return [
    '#!/bin/sh',
    '# Written by the Claude Code Costs VS Code extension (command "Claude Costs: Install Statusline Capture").',
    '# Saves the statusline JSON (it carries the official rate-limit figures) for the extension, then runs',
    '# the statusLine command that was configured before, with the same input, so its output is unchanged.',
    '# Remove it with "Claude Costs: Remove Statusline Capture".',
    `dir=${shQuote(captureDir)}`,
    `previous=${shQuote(previousCommand ?? '')}`,
    'input=$(cat)',
    'tmp="$dir/.statusline.$$.tmp"',
    // Atomic: readers see the old or the new file, never half of one. Failures never break the status line.
    `{ printf '%s' "$input" > "$tmp" && mv -f "$tmp" "$dir/${CAPTURE_FILE_NAME}"; } 2>/dev/null || rm -f "$tmp" 2>/dev/null`,
    'if [ -n "$previous" ]; then',
    '  printf \'%s\' "$input" | sh -c "$previous"',
    'fi',
    '',
  ].join('\n');
}

/**
 * The statusLine command: our script when it exists, else the previous command on its own. So if the
 * script disappears (the extension was uninstalled and its storage removed) the status line still works.
 */
export function statusLineCommand(scriptPath: string, previousCommand: string | null): string {
  const script = shQuote(scriptPath);
  const fallback = previousCommand ? `sh -c ${shQuote(previousCommand)}` : 'cat >/dev/null'; // read stdin: no EPIPE for the writer
  return `if [ -f ${script} ]; then sh ${script}; else ${fallback}; fi`;
}

function readSettings(settingsPath: string): { text: string | null; doc: Record<string, unknown> } {
  let text: string | null = null;
  try {
    text = fs.readFileSync(settingsPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read ${settingsPath}: ${(e as Error).message}`, { cause: e });
  }
  if (text === null || text.trim() === '') return { text, doc: {} };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${settingsPath} is not valid JSON (${(e as Error).message}); it was left untouched.`, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${settingsPath} does not hold a JSON object; it was left untouched.`);
  return { text, doc: doc as Record<string, unknown> };
}

function detectIndent(text: string | null): string | number {
  const m = text ? /\n([ \t]+)"/.exec(text) : null;
  return m ? m[1] : 2;
}

/** Writes a file atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // Keep the original file's permissions (settings.json may be private).
    fs.chmodSync(tmp, fs.statSync(file).mode & 0o777);
  } catch {
    /* new file */
  }
  fs.renameSync(tmp, file);
}

function isOurCommand(statusLine: unknown, captureDir: string): boolean {
  if (typeof statusLine !== 'object' || statusLine === null) return false;
  const cmd = (statusLine as { command?: unknown }).command;
  return typeof cmd === 'string' && cmd.includes(path.join(captureDir, CAPTURE_SCRIPT_NAME));
}

export type InstallOutcome =
  | { kind: 'installed'; backupPath: string | null; chainedTo: string | null }
  | { kind: 'already_installed' };

export function installStatuslineCapture(paths: CapturePaths, nowMs = Date.now()): InstallOutcome {
  const { settingsPath, captureDir } = paths;
  const { text, doc } = readSettings(settingsPath);
  if (isOurCommand(doc.statusLine, captureDir)) return { kind: 'already_installed' };

  const hadStatusLine = Object.prototype.hasOwnProperty.call(doc, 'statusLine');
  const previous = doc.statusLine;
  const previousCommand =
    typeof previous === 'object' && previous !== null && typeof (previous as { command?: unknown }).command === 'string'
      ? ((previous as { command: string }).command as string)
      : null;

  fs.mkdirSync(captureDir, { recursive: true });
  const scriptPath = path.join(captureDir, CAPTURE_SCRIPT_NAME);
  writeFileAtomic(scriptPath, captureScript(captureDir, previousCommand));
  fs.chmodSync(scriptPath, 0o755);

  let backupPath: string | null = null;
  if (text !== null) {
    backupPath = `${settingsPath}.claude-costs-backup-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
    fs.copyFileSync(settingsPath, backupPath);
  }

  const command = statusLineCommand(scriptPath, previousCommand);
  // Keep the previous entry's other fields (padding, refreshInterval): only the command changes.
  const base = typeof previous === 'object' && previous !== null && !Array.isArray(previous) ? (previous as Record<string, unknown>) : {};
  const next = { ...doc, statusLine: { ...base, type: 'command', command } };
  const written = `${JSON.stringify(next, null, detectIndent(text))}\n`;

  const record: InstallRecord = {
    settingsPath,
    hadStatusLine,
    previousStatusLine: hadStatusLine ? previous : null,
    settingsExisted: text !== null,
    originalText: text,
    writtenSha256: sha256(written),
    command,
    installedAt: new Date(nowMs).toISOString(),
  };
  // The record first: if we crash after it, remove still knows how to undo.
  writeFileAtomic(path.join(captureDir, RECORD_FILE_NAME), JSON.stringify(record, null, 2));
  writeFileAtomic(settingsPath, written);
  return { kind: 'installed', backupPath, chainedTo: previousCommand };
}

export type RemoveOutcome =
  | { kind: 'removed'; restored: 'verbatim' | 'previous_statusline' | 'key_removed' }
  | { kind: 'not_installed' }
  | { kind: 'changed_by_user'; message: string };

export function removeStatuslineCapture(paths: CapturePaths): RemoveOutcome {
  const { settingsPath, captureDir } = paths;
  const recordPath = path.join(captureDir, RECORD_FILE_NAME);
  let record: InstallRecord | null;
  try {
    record = JSON.parse(fs.readFileSync(recordPath, 'utf8')) as InstallRecord;
  } catch {
    record = null;
  }
  const { text, doc } = readSettings(settingsPath);
  const ours = isOurCommand(doc.statusLine, captureDir);
  const cleanup = () => {
    for (const f of [recordPath, path.join(captureDir, CAPTURE_SCRIPT_NAME), captureFilePath(captureDir)]) fs.rmSync(f, { force: true });
  };
  if (!ours) {
    if (record) {
      cleanup();
      return { kind: 'changed_by_user', message: `The statusLine in ${settingsPath} is no longer ours (it was changed since the install); it was left as it is.` };
    }
    return { kind: 'not_installed' };
  }
  let restored: 'verbatim' | 'previous_statusline' | 'key_removed';
  const unchangedSinceInstall = record !== null && text !== null && sha256(text) === record.writtenSha256;
  if (unchangedSinceInstall && record!.originalText === null) {
    // Install created the file and nothing else was added since: remove it again.
    fs.rmSync(settingsPath, { force: true });
    restored = 'verbatim';
  } else if (unchangedSinceInstall && record!.originalText !== null) {
    // Nothing else changed since install: put the original bytes back.
    writeFileAtomic(settingsPath, record!.originalText);
    restored = 'verbatim';
  } else {
    // Other keys were edited since: change only statusLine, back to what it was.
    const next: Record<string, unknown> = { ...doc };
    if (record?.hadStatusLine) {
      next.statusLine = record.previousStatusLine;
      restored = 'previous_statusline';
    } else {
      delete next.statusLine;
      restored = 'key_removed';
    }
    writeFileAtomic(settingsPath, `${JSON.stringify(next, null, detectIndent(text))}\n`);
  }
  cleanup();
  return { kind: 'removed', restored };
}

/** Whether the capture is installed right now (settings.json points at our script). */
export function isCaptureInstalled(paths: CapturePaths): boolean {
  try {
    return isOurCommand(readSettings(paths.settingsPath).doc.statusLine, paths.captureDir);
  } catch {
    return false;
  }
}
