#!/usr/bin/env node
// A `solc` that speaks the native command line on top of solc-js (the official compiler built to
// WebAssembly, installed from npm). py-solc-x, brownie and crytic-compile call it exactly as they
// would call the native binary, which cannot be downloaded on an offline machine.
//
// Supported: --version, --standard-json (stdin -> stdout), and file mode with --bin, --abi,
// --combined-json <keys>, --optimize, --optimize-runs, --evm-version, remappings (a=b).
// Imports are read only from the base path, include paths and --allow-paths directories, as the
// native compiler does. Output is written synchronously: a piped process.stdout.write followed by
// exit truncates large outputs.
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE = 'usage: solc --version | solc --standard-json [--allow-paths a,b] [--base-path p] ' +
  '[--include-path p] | solc [--bin] [--abi] [--combined-json k1,k2] [--optimize] ' +
  '[--optimize-runs n] [--evm-version v] [prefix=path ...] file.sol ...';

function writeAll(fd, text) {
  const buf = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += fs.writeSync(fd, buf, offset, buf.length - offset);
    } catch (err) {
      if (err.code === 'EPIPE') process.exit(1); // the reader went away
      if (err.code !== 'EAGAIN') throw err;
      // Non-blocking pipe is full: wait for the reader without spinning the CPU.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

function fail(message, code = 1) {
  writeAll(2, `Error: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = {
    mode: 'files', allowPaths: [], basePath: null, includePaths: [], files: [], remappings: [],
    outputs: new Set(), combined: null, optimize: false, runs: 200, evmVersion: null,
  };
  const takesValue = new Set(['--allow-paths', '--base-path', '--include-path', '--combined-json',
    '--optimize-runs', '--evm-version', '--output-dir']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value = null;
    if (arg.startsWith('--') && arg.includes('=')) {
      [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    } else if (takesValue.has(arg)) {
      if (i + 1 >= argv.length) fail(`option ${arg} needs a value`);
      value = argv[++i];
    }
    switch (arg) {
      case '--version': opts.mode = 'version'; break;
      case '--help': opts.mode = 'help'; break;
      case '--standard-json': opts.mode = 'standard-json'; break;
      case '--allow-paths': opts.allowPaths.push(...value.split(',').filter(Boolean)); break;
      case '--base-path': opts.basePath = value; break;
      case '--include-path': opts.includePaths.push(value); break;
      case '--combined-json': opts.combined = value.split(',').filter(Boolean); break;
      case '--optimize': opts.optimize = true; break;
      case '--optimize-runs': opts.runs = Number.parseInt(value, 10); break;
      case '--evm-version': opts.evmVersion = value; break;
      case '--bin': case '--abi': case '--bin-runtime': case '--hashes':
        opts.outputs.add(arg.slice(2)); break;
      case '--no-color': case '--pretty-json': break;
      default:
        if (arg.startsWith('-')) fail(`unrecognised option '${arg}'\n${USAGE}`);
        if (arg.includes('=') && !fs.existsSync(arg)) opts.remappings.push(arg);
        else opts.files.push(arg);
    }
  }
  return opts;
}

function loadCompiler() {
  try {
    return require('solc');
  } catch (err) {
    fail(`solc-js is not installed next to ${__dirname} (run 'npm ci'): ${err.message}`);
  }
  return null;
}

function versionLine(solc) {
  // py-solc-x parses "Version: X.Y.Z+commit.HASH"; solc-js reports e.g. 0.8.28+commit.7893614a.Emscripten.clang
  return `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`;
}

// The native compiler reads an import only from the base path, include paths and allowed paths.
function makeImportReader(opts) {
  const base = path.resolve(opts.basePath || process.cwd());
  const roots = [base, ...opts.includePaths.map((p) => path.resolve(p))];
  const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p))]
    .map((p) => { try { return fs.realpathSync(p); } catch { return p; } });
  const isAllowed = (real) => allowed.some((dir) => real === dir || real.startsWith(dir + path.sep));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath] : roots.map((root) => path.join(root, importPath));
    for (const candidate of candidates) {
      let real;
      try { real = fs.realpathSync(candidate); } catch { continue; }
      if (!isAllowed(real)) {
        return { error: `File outside of allowed directories: ${importPath}` };
      }
      return { contents: fs.readFileSync(real, 'utf8') };
    }
    return { error: `File not found: ${importPath}` };
  };
}

function readStdin() {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch (err) {
    fail(`cannot read standard input: ${err.message}`);
  }
  return '';
}

function standardJson(solc, opts) {
  const input = readStdin();
  const output = solc.compile(input, { import: makeImportReader(opts) });
  writeAll(1, output.endsWith('\n') ? output : output + '\n');
  // Like the native compiler: compilation errors are reported inside the JSON, exit code 0.
  process.exit(0);
}

const COMBINED_SELECTION = {
  abi: ['abi'], bin: ['evm.bytecode.object'], 'bin-runtime': ['evm.deployedBytecode.object'],
  srcmap: ['evm.bytecode.sourceMap'], 'srcmap-runtime': ['evm.deployedBytecode.sourceMap'],
  hashes: ['evm.methodIdentifiers'], userdoc: ['userdoc'], devdoc: ['devdoc'], metadata: ['metadata'],
};

function combinedEntry(contract, keys) {
  const entry = {};
  for (const key of keys) {
    if (key === 'abi') entry.abi = contract.abi;
    else if (key === 'bin') entry.bin = contract.evm.bytecode.object;
    else if (key === 'bin-runtime') entry['bin-runtime'] = contract.evm.deployedBytecode.object;
    else if (key === 'srcmap') entry.srcmap = contract.evm.bytecode.sourceMap;
    else if (key === 'srcmap-runtime') entry['srcmap-runtime'] = contract.evm.deployedBytecode.sourceMap;
    else if (key === 'hashes') entry.hashes = contract.evm.methodIdentifiers;
    else if (key in contract) entry[key] = contract[key];
  }
  return entry;
}

function compileFiles(solc, opts) {
  if (opts.files.length === 0) fail(`no input files\n${USAGE}`);
  const keys = opts.combined || [...opts.outputs];
  if (keys.length === 0) fail(`no output requested (use --bin, --abi or --combined-json)\n${USAGE}`);
  for (const key of keys) {
    if (key !== 'ast' && key !== 'compact-format' && !(key in COMBINED_SELECTION)) {
      fail(`unsupported --combined-json key '${key}'`);
    }
  }
  const selection = new Set(['abi']);
  keys.forEach((k) => (COMBINED_SELECTION[k] || []).forEach((s) => selection.add(s)));
  const sources = {};
  for (const file of opts.files) {
    if (!fs.existsSync(file)) fail(`"${file}" is not found.`);
    sources[file] = { content: fs.readFileSync(file, 'utf8') };
  }
  const settings = {
    optimizer: { enabled: opts.optimize, runs: opts.runs },
    remappings: opts.remappings,
    outputSelection: { '*': { '*': [...selection], '': keys.includes('ast') ? ['ast'] : [] } },
  };
  if (opts.evmVersion) settings.evmVersion = opts.evmVersion;
  const readerOpts = { ...opts, allowPaths: [...opts.allowPaths, ...opts.files.map((f) => path.dirname(f))] };
  const result = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }),
    { import: makeImportReader(readerOpts) }));
  const errors = (result.errors || []).filter((e) => e.severity === 'error');
  for (const diag of result.errors || []) writeAll(2, diag.formattedMessage || `${diag.message}\n`);
  if (errors.length > 0) process.exit(1);

  if (opts.combined) {
    const combined = { contracts: {}, version: solc.version() };
    for (const [file, contracts] of Object.entries(result.contracts || {})) {
      for (const [name, contract] of Object.entries(contracts)) {
        combined.contracts[`${file}:${name}`] = combinedEntry(contract, keys);
      }
    }
    if (keys.includes('ast')) {
      combined.sourceList = Object.keys(result.sources);
      combined.sources = {};
      for (const [file, src] of Object.entries(result.sources)) combined.sources[file] = { AST: src.ast };
    }
    writeAll(1, JSON.stringify(combined) + '\n');
  } else {
    let text = '';
    for (const [file, contracts] of Object.entries(result.contracts || {})) {
      for (const [name, contract] of Object.entries(contracts)) {
        text += `\n======= ${file}:${name} =======\n`;
        if (opts.outputs.has('bin')) text += `Binary:\n${contract.evm.bytecode.object}\n`;
        if (opts.outputs.has('bin-runtime')) text += `Binary of the runtime part:\n${contract.evm.deployedBytecode.object}\n`;
        if (opts.outputs.has('abi')) text += `Contract JSON ABI\n${JSON.stringify(contract.abi)}\n`;
      }
    }
    writeAll(1, text);
  }
  process.exit(0);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.mode === 'help') { writeAll(1, USAGE + '\n'); process.exit(0); }
  const solc = loadCompiler();
  if (opts.mode === 'version') { writeAll(1, versionLine(solc)); process.exit(0); }
  if (opts.mode === 'standard-json') standardJson(solc, opts);
  compileFiles(solc, opts);
}

main();
