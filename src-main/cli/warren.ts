#!/usr/bin/env node
// `warren`: the command-line face of Warren. See main.ts for the commands.
import { run } from './main.js';

const code = await run(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
// Exit explicitly once output is flushed: a command is done when it says so, even if a library
// left a handle open (and `daemon run` must not outlive its engine).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
