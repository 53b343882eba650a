'use strict';
// RleTcp client, protocol v1 and v2 (docs/PROTOCOL.md), Node's `net` only. Promise API; see index.d.ts.

const net = require('net');

const STATUS = Object.freeze({
  Ok: 0, InvalidImage: 1, FrameTooLarge: 2, ImageTooLarge: 3, Busy: 4, Timeout: 5, InternalError: 6,
  BadRequest: 7, Cancelled: 8,
});
const STATUS_NAMES = Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [v, k]));
const OP = Object.freeze({ Hello: 0, Compress: 1, Info: 2, Decompress: 3, Cancel: 4, Ping: 5 });
const HELLO = Buffer.from('RLETCPv2\x02', 'latin1');
const CONNECTION_LEVEL_OP = 0xff;

// name -> [tag, kind]
const OPTIONS = {
  conversion: [0x01, 'conversion'], threshold: [0x02, 'u8'], invert: [0x03, 'flag'], page: [0x04, 'u32'],
  width: [0x05, 'u16'], height: [0x06, 'u16'], filter: [0x07, 'text'], codec: [0x08, 'text'],
  deadlineMs: [0x09, 'u32'], maxPixels: [0x0a, 'u64'], format: [0x0b, 'text'],
};
const FIELDS = {
  0x01: ['width', 'int'], 0x02: ['height', 'int'], 0x03: ['codec', 'text'], 0x04: ['format', 'text'],
  0x05: ['mode', 'text'], 0x06: ['frames', 'int'], 0x07: ['cancelled', 'bool'],
  0x10: ['protocolVersion', 'int'], 0x11: ['serverVersion', 'text'], 0x12: ['maxFrameBytes', 'int'],
  0x13: ['maxPixels', 'int'], 0x14: ['maxInFlight', 'int'], 0x1a: ['requestTimeoutMs', 'int'],
  0x15: ['ops', 'list'], 0x16: ['options', 'list'], 0x17: ['codecs', 'list'], 0x18: ['formats', 'list'],
  0x19: ['filters', 'list'],
};

class RleTcpError extends Error {
  constructor(status, message) {
    super(`${STATUS_NAMES[status] || `status ${status}`}: ${message}`);
    this.name = 'RleTcpError';
    this.status = status;
    this.serverMessage = message;
  }
}

function frame(payload) {
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(payload.length));
  return Buffer.concat([header, payload]);
}

function encodeOptions(options) {
  const parts = [];
  for (const [name, value] of Object.entries(options || {})) {
    if (value === undefined || value === null || value === false) continue;
    const spec = OPTIONS[name];
    if (!spec) throw new TypeError(`unknown option ${name}; known: ${Object.keys(OPTIONS).join(', ')}`);
    const [tag, kind] = spec;
    let raw;
    switch (kind) {
      case 'flag': raw = Buffer.alloc(0); break;
      case 'text': raw = Buffer.from(String(value), 'utf8'); break;
      case 'conversion': raw = Buffer.from([{ pillow: 0, threshold: 1 }[value]]); break;
      case 'u8': raw = Buffer.from([value]); break;
      case 'u16': raw = Buffer.alloc(2); raw.writeUInt16BE(value); break;
      case 'u32': raw = Buffer.alloc(4); raw.writeUInt32BE(value); break;
      default: raw = Buffer.alloc(8); raw.writeBigUInt64BE(BigInt(value)); break;
    }
    if (raw.length > 255) throw new RangeError(`the ${name} value is longer than 255 bytes`);
    parts.push(Buffer.from([tag, raw.length]), raw);
  }
  return Buffer.concat(parts);
}

function encodeRequest(op, id, options, body) {
  const block = typeof options === 'object' && Buffer.isBuffer(options) ? options : encodeOptions(options);
  const head = Buffer.alloc(7);
  head[0] = op;
  head.writeUInt32BE(id >>> 0, 1);
  head.writeUInt16BE(block.length, 5);
  return frame(Buffer.concat([head, block, body || Buffer.alloc(0)]));
}

function parseAnswer(payload) {
  if (payload.length < 8) throw new Error(`a v2 answer has at least 8 bytes; this one has ${payload.length}`);
  const fieldsLength = payload.readUInt16BE(6);
  if (8 + fieldsLength > payload.length) throw new Error('the answer fields run past its end');
  const fields = {};
  let i = 8;
  while (i < 8 + fieldsLength) {
    const tag = payload[i];
    const size = payload[i + 1];
    const value = payload.subarray(i + 2, i + 2 + size);
    if (i + 2 + size > 8 + fieldsLength) throw new Error('an answer field runs past the fields block');
    i += 2 + size;
    const spec = FIELDS[tag];
    if (!spec) continue; // a field from a newer server
    const [name, kind] = spec;
    if (kind === 'text') fields[name] = value.toString('utf8');
    else if (kind === 'list') fields[name] = value.length ? value.toString('utf8').split(',') : [];
    else {
      let n = 0n;
      for (const b of value) n = (n << 8n) | BigInt(b);
      fields[name] = kind === 'bool' ? n !== 0n : Number(n);
    }
  }
  const body = payload.subarray(8 + fieldsLength);
  return {
    status: payload[0], id: payload.readUInt32BE(1), op: payload[5], fields, body,
    get message() { return body.toString('utf8'); },
  };
}

/** One connection; see index.d.ts. */
class RleTcpClient {
  constructor(socket, options) {
    this._socket = socket;
    this._maxResponseBytes = options.maxResponseBytes || 256 * 1024 * 1024;
    this._buffer = Buffer.alloc(0);
    this._byId = new Map();
    this._inOrder = [];
    this._nextId = 0;
    this._failure = null;
    this._waitingForSlot = [];
    this._inFlight = 0;
    this.server = null;
    socket.on('data', (chunk) => this._onData(chunk));
    socket.on('error', (e) => this._fail(e));
    socket.on('close', () => this._fail(new Error('the server closed the connection')));
  }

  /** Connects; `protocol` is 'auto' (default: HELLO, fall back to v1 on InvalidImage), 'v1' or 'v2'. */
  static connect(port = 2015, host = '127.0.0.1', options = {}) {
    const protocol = options.protocol || 'auto';
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ port, host });
      socket.setNoDelay(true);
      const timer = setTimeout(() => { socket.destroy(); reject(new Error('connect timeout')); }, options.timeoutMs || 10000);
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
      socket.once('connect', async () => {
        clearTimeout(timer);
        const client = new RleTcpClient(socket, options);
        if (protocol === 'v1') return resolve(client);
        try {
          const payload = await client._rawCall(HELLO);
          if (payload[0] === STATUS.Ok) {
            try {
              const answer = parseAnswer(payload);
              if (answer.id === 0 && answer.op === OP.Hello && answer.fields.protocolVersion === 2) client.server = answer.fields;
            } catch (_) { /* a v1 OK (e.g. an echo server): v1 */ }
          }
          if (!client.server && protocol === 'v2') throw new Error('the server does not speak protocol v2');
          resolve(client);
        } catch (e) {
          socket.destroy();
          reject(e);
        }
      });
    });
  }

  get protocolVersion() { return this.server ? 2 : 1; }

  _onData(chunk) {
    this._buffer = this._buffer.length ? Buffer.concat([this._buffer, chunk]) : chunk;
    while (this._buffer.length >= 8) {
      const length = this._buffer.readBigUInt64BE(0);
      if (length === 0n || length > BigInt(this._maxResponseBytes)) {
        this._fail(new Error(`the server declared a ${length}-byte answer`));
        this._socket.destroy();
        return;
      }
      if (this._buffer.length < 8 + Number(length)) return;
      const payload = this._buffer.subarray(8, 8 + Number(length));
      this._buffer = this._buffer.subarray(8 + Number(length));
      this._deliver(Buffer.from(payload));
    }
  }

  _deliver(payload) {
    if (!this.server) {
      const waiter = this._inOrder.shift();
      if (!waiter) return this._fail(new Error('an answer to no request'));
      return waiter.resolve(payload);
    }
    const answer = parseAnswer(payload);
    if (answer.id === 0 && answer.op === CONNECTION_LEVEL_OP) {
      return this._fail(new Error(`the server ended the connection: ${STATUS_NAMES[answer.status]}: ${answer.message}`));
    }
    const waiter = this._byId.get(answer.id);
    if (!waiter) return; // the answer to a CANCEL, or to a request whose caller gave up
    this._byId.delete(answer.id);
    waiter.resolve(answer);
  }

  _fail(error) {
    if (this._failure) return;
    this._failure = error;
    for (const w of [...this._byId.values(), ...this._inOrder, ...this._waitingForSlot]) w.reject(error);
    this._byId.clear();
    this._inOrder = [];
    this._waitingForSlot = [];
  }

  _rawCall(payload) {
    return new Promise((resolve, reject) => {
      if (this._failure) return reject(this._failure);
      this._inOrder.push({ resolve, reject });
      this._socket.write(frame(payload));
    });
  }

  async _slot() {
    const cap = (this.server && this.server.maxInFlight) || 1;
    if (this._inFlight < cap) { this._inFlight++; return; }
    await new Promise((resolve, reject) => this._waitingForSlot.push({ resolve, reject }));
  }

  _release() {
    const next = this._waitingForSlot.shift();
    if (next) next.resolve(); else this._inFlight--;
  }

  _id() {
    do { this._nextId = (this._nextId + 1) >>> 0 || 1; } while (this._byId.has(this._nextId));
    return this._nextId;
  }

  /**
   * Sends one v2 request and resolves with its answer (whatever the status). `signal` (an AbortSignal) sends
   * CANCEL when aborted; the promise then rejects with an AbortError.
   */
  async request(op, options, body, { signal, id } = {}) {
    if (!this.server) throw new Error(`op ${op} needs protocol v2; the server speaks v1`);
    const counts = op !== OP.Cancel && op !== OP.Ping;
    if (counts) await this._slot();
    try {
      if (this._failure) throw this._failure;
      const requestId = id === undefined ? this._id() : id;
      const answer = new Promise((resolve, reject) => this._byId.set(requestId, { resolve, reject }));
      this._socket.write(encodeRequest(op, requestId, options, body));
      if (!signal) return await answer;
      return await new Promise((resolve, reject) => {
        const onAbort = () => {
          if (this._byId.delete(requestId) && !this._failure) {
            const target = Buffer.alloc(4);
            target.writeUInt32BE(requestId);
            this._socket.write(encodeRequest(OP.Cancel, this._id(), null, target));
          }
          const e = new Error('The request was aborted.');
          e.name = 'AbortError';
          reject(e);
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        answer.then((a) => { signal.removeEventListener('abort', onAbort); resolve(a); },
          (e) => { signal.removeEventListener('abort', onAbort); reject(e); });
      });
    } finally {
      if (counts) this._release();
    }
  }

  /** Writes a frame with exactly this payload (for conformance checks of malformed requests). */
  sendRaw(payload) { this._socket.write(frame(payload)); }

  /** Resolves with the v2 answer carrying `id` (registered before sending with sendRaw). */
  expect(id) { return new Promise((resolve, reject) => this._byId.set(id, { resolve, reject })); }

  async ping() {
    if (!this.server) {
      const a = await this._rawCall(Buffer.alloc(0));
      if (a[0] !== 0) throw new RleTcpError(a[0], a.subarray(1).toString('utf8'));
      return;
    }
    check(await this.request(OP.Ping));
  }

  /** Compresses an image; options (v2 only): conversion, threshold, invert, page, width, height, filter, codec, deadlineMs, maxPixels. */
  async compress(image, options = {}, { signal } = {}) {
    if (!image || image.length === 0) throw new RangeError('the image is empty (an empty frame is a ping)');
    if (!this.server) {
      if (Object.values(options).some((v) => v !== undefined && v !== null && v !== false)) {
        throw new Error('per-request options need protocol v2; the server speaks v1');
      }
      const a = await this._rawCall(image);
      if (a[0] !== 0) throw new RleTcpError(a[0], a.subarray(1).toString('utf8'));
      const data = a.subarray(1);
      return { data, width: data.readUInt16LE(0), height: data.readUInt16LE(2), codec: 'rle' };
    }
    const a = check(await this.request(OP.Compress, options, image, { signal }));
    return { data: a.body, width: a.fields.width, height: a.fields.height, codec: a.fields.codec };
  }

  async info(image) { return check(await this.request(OP.Info, null, image)).fields; }

  async decompress(data, options = {}) { return check(await this.request(OP.Decompress, options, data)).body; }

  async cancel(id) {
    const target = Buffer.alloc(4);
    target.writeUInt32BE(id);
    return check(await this.request(OP.Cancel, null, target)).fields.cancelled;
  }

  /** Half-closes, waits for pending answers, then closes. */
  close() {
    return new Promise((resolve) => {
      if (this._socket.destroyed) return resolve();
      this._socket.once('close', resolve);
      this._socket.end();
      setTimeout(() => this._socket.destroy(), 10000).unref();
    });
  }
}

function check(answer) {
  if (answer.status !== STATUS.Ok) throw new RleTcpError(answer.status, answer.message);
  return answer;
}

module.exports = { RleTcpClient, RleTcpError, STATUS, OP, encodeRequest, encodeOptions, parseAnswer, frame };
