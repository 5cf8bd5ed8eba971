#!/usr/bin/env node
/**
 * Applies the reviewed patches in patches/ to installed dependencies (run by `postinstall`).
 *
 * A patch is named `<package>+<version>.patch` and is a unified diff with paths relative to the
 * package's directory. It applies only to exactly that version: another version fails the install
 * (the fix must be reviewed again, not silently dropped). Idempotent: a hunk whose result is
 * already in place is skipped, so running it twice, or on a copy that was patched, is harmless.
 * A hunk whose context is found neither before nor after the change fails the install. No
 * dependency, no external `patch` program: hunks are matched as exact blocks of text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PATCHES_DIR = path.join(ROOT, 'patches');

function fail(message) {
  process.stderr.write(`apply-patches: ${message}\n`);
  process.exit(1);
}

/** { file, hunks: [{ before, after }] } per file of a unified diff. */
function parse(text, name) {
  const files = [];
  let file;
  let hunk;
  for (const line of text.split('\n')) {
    if (line.startsWith('--- ')) continue;
    if (line.startsWith('+++ ')) {
      file = { file: line.slice(4).trim().replace(/^b\//, ''), hunks: [] };
      files.push(file);
      hunk = undefined;
    } else if (line.startsWith('@@')) {
      if (!file) fail(`${name}: a hunk before any file header`);
      hunk = { before: [], after: [] };
      file.hunks.push(hunk);
    } else if (hunk && (line.startsWith(' ') || line === '')) {
      hunk.before.push(line.slice(1));
      hunk.after.push(line.slice(1));
    } else if (hunk && line.startsWith('-')) hunk.before.push(line.slice(1));
    else if (hunk && line.startsWith('+')) hunk.after.push(line.slice(1));
    else if (hunk && line.startsWith('\\')) continue;
  }
  // A trailing empty line of the file is not context.
  for (const f of files)
    for (const h of f.hunks)
      while (h.before.at(-1) === '' && h.after.at(-1) === '') {
        h.before.pop();
        h.after.pop();
      }
  return files;
}

function occurrences(haystack, needle) {
  let count = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) count += 1;
  return count;
}

function applyPatch(patch_file) {
  const match = /^(.+)\+([^+]+)\.patch$/.exec(path.basename(patch_file));
  if (!match) fail(`${patch_file}: name it <package>+<version>.patch`);
  const [, package_name, version] = match;
  const package_dir = path.join(ROOT, 'node_modules', ...package_name.split('+'));
  let installed;
  try {
    installed = JSON.parse(fs.readFileSync(path.join(package_dir, 'package.json'), 'utf8')).version;
  } catch {
    fail(`${package_name} is not installed, but ${path.basename(patch_file)} patches it`);
  }
  if (installed !== version)
    fail(
      `${package_name} ${installed} is installed; ${path.basename(patch_file)} is for ${version} only (review the patch for the new version)`,
    );
  let applied = 0;
  let present = 0;
  for (const { file, hunks } of parse(fs.readFileSync(patch_file, 'utf8'), patch_file)) {
    const target = path.join(package_dir, file);
    let text = fs.readFileSync(target, 'utf8');
    hunks.forEach((hunk, i) => {
      const before = hunk.before.join('\n');
      const after = hunk.after.join('\n');
      if (occurrences(text, before) === 1) {
        text = text.replace(before, () => after);
        applied += 1;
      } else if (occurrences(text, after) === 1) present += 1;
      else
        fail(
          `${package_name}/${file}: hunk ${i + 1} of ${path.basename(patch_file)} does not apply (neither its old nor its new text is found once)`,
        );
    });
    fs.writeFileSync(target, text);
  }
  process.stdout.write(
    `apply-patches: ${package_name}@${version}: ${applied} hunks applied, ${present} already in place\n`,
  );
}

if (fs.existsSync(PATCHES_DIR))
  for (const name of fs.readdirSync(PATCHES_DIR).sort())
    if (name.endsWith('.patch')) applyPatch(path.join(PATCHES_DIR, name));
