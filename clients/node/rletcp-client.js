#!/usr/bin/env node
// A client for the RleTcp protocol v1, using only Node's standard library.
//
// Protocol (docs/PROTOCOL.md): every frame is an unsigned 64-bit big-endian length N, then N bytes.
// A request of N = 0 is a ping; otherwise its payload is one encoded image. Each request gets exactly one answer
// frame, in order; the answer's first byte is a status, the rest is the RLE image (status 0) or a UTF-8 message.
// Because answers come back in order, this client pipelines: send() may be called many times without waiting,
// and a FIFO of pending promises matches each answer to its request.
//
// Library use:
//   const { RleTcpClient } = require('./rletcp-client.js');
//   const client = await RleTcpClient.connect('127.0.0.1', 2015);
//   await client.ping(); const rle = await client.compress(fs.readFileSync('page.png')); await client.close();
// Command line:
//   node rletcp-client.js [--host H] [--port P] [-o DIR] [--hex] [--ping] FILE...
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const STATUS_NAMES = ['Ok', 'InvalidImage', 'FrameTooLarge', 'ImageTooLarge', 'Busy', 'Timeout', 'InternalError'];

class RleTcpError extends Error {
  constructor(status, message) {
    super(`${STATUS_NAMES[status] ?? `status ${status}`}: ${message}`);
    this.status = status;
    this.serverMessage = message;
  }
}

class RleTcpClient {
  constructor(socket, maxResponseBytes) {
    this.socket = socket;
    this.maxResponseBytes = maxResponseBytes;
    this.pending = []; // oldest first: the answers arrive in this order
    this.buffered = Buffer.alloc(0);
    this.failure = null;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new Error(`connection failed: ${err.message}`)));
    socket.on('close', () => this.fail(new Error('the server closed the connection before answering')));
  }

  static connect(host = '127.0.0.1', port = 2015, { timeoutMs = 5000, maxResponseBytes = 256 * 1024 * 1024 } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      const onError = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new RleTcpClient(socket, maxResponseBytes));
      });
    });
  }

  /** Sends one frame; resolves to { status, body } of its answer. */
  send(payload) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      const header = Buffer.alloc(8);
      header.writeBigUInt64BE(BigInt(payload.length));
      this.socket.write(header);
      if (payload.length > 0) this.socket.write(payload);
    });
  }

  async ping() {
    const start = process.hrtime.bigint();
    const { status, body } = await this.send(Buffer.alloc(0));
    if (status !== 0) throw new RleTcpError(status, body.toString('utf8'));
    return Number(process.hrtime.bigint() - start) / 1e6; // milliseconds
  }

  /** Compresses encoded image bytes; resolves to the RLE bytes or rejects with RleTcpError. */
  async compress(image) {
    if (image.length === 0) throw new Error('the image is empty (an empty frame is a ping)');
    const { status, body } = await this.send(image);
    if (status !== 0) throw new RleTcpError(status, body.toString('utf8'));
    return body;
  }

  /** Half-closes (the server answers what is pending, then closes) and waits for the close. */
  close() {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', resolve);
      this.socket.end();
    });
  }

  onData(chunk) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 8) {
      const length = this.buffered.readBigUInt64BE(0);
      if (length === 0n || length > BigInt(this.maxResponseBytes)) {
        // Checked as soon as the header is in: a hostile length must not make us buffer its body.
        this.fail(new Error(length === 0n ? 'the server sent an empty frame' : `the server declared a ${length}-byte answer, over the limit`));
        this.socket.destroy();
        return;
      }
      const total = 8 + Number(length);
      if (this.buffered.length < total) return;
      const answer = this.buffered.subarray(8, total);
      this.buffered = this.buffered.subarray(total);
      const request = this.pending.shift();
      if (!request) {
        this.fail(new Error('the server sent an answer to no request'));
        this.socket.destroy();
        return;
      }
      request.resolve({ status: answer[0], body: Buffer.from(answer.subarray(1)) });
    }
  }

  fail(error) {
    this.failure ??= error;
    for (const request of this.pending.splice(0)) request.reject(this.failure);
  }
}

function rleSize(rle) {
  return { width: rle.readUInt16LE(0), height: rle.readUInt16LE(2) };
}

function parseArgs(argv) {
  const options = { host: '127.0.0.1', port: 2015, output: null, hex: false, ping: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--host') options.host = value();
    else if (arg === '--port') options.port = Number(value());
    else if (arg === '-o' || arg === '--output') options.output = value();
    else if (arg === '--hex') options.hex = true;
    else if (arg === '--ping') options.ping = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.files.push(arg);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new Error('--port must be 1..65535');
  if (options.files.length === 0 && !options.ping) throw new Error('give at least one FILE, or --ping');
  return options;
}

async function main(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (err) {
    console.error(`rletcp-client: ${err.message}\nusage: node rletcp-client.js [--host H] [--port P] [-o DIR] [--hex] [--ping] FILE...`);
    return 2;
  }

  let client;
  try {
    client = await RleTcpClient.connect(options.host, options.port);
  } catch (err) {
    console.error(`rletcp-client: cannot reach the server at ${options.host}:${options.port}: ${err.message}`);
    return 3;
  }

  let failed = 0;
  if (options.ping) console.log(`ping ${options.host}:${options.port}: ${(await client.ping()).toFixed(3)} ms`);
  // Every file is sent at once (pipelined); the answers are taken in order.
  const inputs = options.files.map((file) => {
    try {
      return { file, answer: client.compress(fs.readFileSync(file)) };
    } catch (err) {
      return { file, answer: Promise.reject(err) };
    }
  });
  for (const { file, answer } of inputs) {
    let rle;
    try {
      rle = await answer;
    } catch (err) {
      console.error(`rletcp-client: ${file}: ${err.message}`);
      failed++;
      continue;
    }
    const { width, height } = rleSize(rle);
    if (options.hex) {
      console.log(`${file} ${width}x${height} ${rle.length} bytes ${rle.toString('hex')}`);
      continue;
    }
    const directory = options.output ?? path.dirname(path.resolve(file));
    fs.mkdirSync(directory, { recursive: true });
    const target = path.join(directory, path.parse(file).name + '.rle');
    fs.writeFileSync(target, rle);
    console.log(`${file} -> ${target} ${width}x${height} ${rle.length} bytes`);
  }
  await client.close();
  return failed > 0 ? 1 : 0;
}

module.exports = { RleTcpClient, RleTcpError, rleSize, STATUS_NAMES };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
