'use strict';
// The protocol conformance suite of docs/PROTOCOL.md with this package's client:
//   node conformance.js --port P --v1-port Q
// P: a server with v2 on (MaxPixels 50,000,000); Q: one with v2 switched off. Exit 1 when a check fails.

const { RleTcpClient, RleTcpError, STATUS, OP } = require('./index');

const PBM = Buffer.concat([Buffer.from('P4\n10 2\n'), Buffer.from([0xf0, 0x00, 0x00, 0xc0])]);
const RLE = Buffer.from([0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02]);
const RLE_INVERTED = Buffer.from([0x0a, 0, 0x02, 0, 0x84, 0x06, 0x08, 0x82]);
const ONE_PIXEL = Buffer.concat([Buffer.from('P4\n1 1\n'), Buffer.from([0x80])]);
const RAMP = Buffer.concat([Buffer.from('P5\n256 1\n255\n'), Buffer.from([...Array(256).keys()])]);

function hugeGrey() {
  const header = Buffer.from('P5\n7200 5600\n255\n');
  const pixels = Buffer.alloc(7200 * 5600);
  let x = 7;
  for (let i = 0; i < pixels.length; i++) { x = (x * 1103515245 + 12345) >>> 0; pixels[i] = x >>> 24; }
  return Buffer.concat([header, pixels]);
}

function expect(condition, what) { if (!condition) throw new Error(what); }

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) throw new Error(`missing ${name}`);
  return Number(process.argv[i + 1]);
}

async function main() {
  const port = arg('--port');
  const v1Port = arg('--v1-port');
  const big = hugeGrey();
  const checks = {
    async negotiation() {
      const c = await RleTcpClient.connect(port);
      expect(c.protocolVersion === 2, 'v2 negotiated');
      expect(c.server.maxInFlight > 0 && c.server.codecs.includes('rle') && c.server.maxPixels === 50000000, 'HELLO fields');
      await c.close();
    },
    async fallback() {
      const c = await RleTcpClient.connect(v1Port);
      expect(c.protocolVersion === 1, 'fell back to v1');
      expect((await c.compress(PBM)).data.equals(RLE), 'v1 compress');
      await c.ping();
      await c.compress(PBM, { invert: true }).then(() => expect(false, 'options refused on v1'), () => {});
      await c.close();
      await RleTcpClient.connect(v1Port, '127.0.0.1', { protocol: 'v2' }).then(() => expect(false, 'v2 required fails'), () => {});
    },
    async ids() {
      const c = await RleTcpClient.connect(port);
      const a = await c.request(OP.Ping, null, null, { id: 0xdeadbeef });
      expect(a.id === 0xdeadbeef && a.op === OP.Ping && a.status === 0, 'echoed id');
      await c.close();
    },
    async outOfOrder() {
      const c = await RleTcpClient.connect(port);
      const order = [];
      await Promise.all([
        c.compress(big).then((r) => { order.push('big'); expect(r.width === 7200 && r.height === 5600, 'big size'); }),
        c.compress(ONE_PIXEL).then((r) => { order.push('small'); expect(r.data.equals(Buffer.from([1, 0, 1, 0, 1])), 'small bytes'); }),
      ]);
      expect(order.join() === 'small,big', `completion order ${order}`);
      await c.close();
    },
    async ops() {
      const c = await RleTcpClient.connect(port);
      const r = await c.compress(PBM);
      expect(r.data.equals(RLE) && r.width === 10 && r.height === 2 && r.codec === 'rle', 'COMPRESS');
      const info = await c.info(PBM);
      expect(info.format === 'PBM' && info.width === 10 && info.height === 2 && info.mode === '1' && info.frames === 1, 'INFO');
      for (const [format, magic] of [['png', '\x89PNG'], ['bmp', 'BM'], ['pbm', 'P4'], ['tiff', 'II*\x00']]) {
        expect((await c.decompress(RLE, { format })).subarray(0, magic.length).equals(Buffer.from(magic, 'latin1')), `DECOMPRESS ${format}`);
      }
      await c.ping();
      expect((await c.cancel(12345)) === false, 'CANCEL of an id not in flight');
      await c.close();
    },
    async options() {
      const c = await RleTcpClient.connect(port);
      const t = await c.compress(RAMP, { conversion: 'threshold', threshold: 140 });
      expect(t.data.equals(Buffer.from([0, 1, 1, 0, 0x7f, 0x0d, 0xf2, 0x82])), `threshold ${t.data.toString('hex')}`);
      expect((await c.compress(PBM, { invert: true })).data.equals(RLE_INVERTED), 'invert');
      const w = await c.compress(PBM, { width: 20, filter: 'nearest', conversion: 'threshold' });
      expect(w.width === 20 && w.height === 4, 'resize');
      expect((await c.compress(PBM, { codec: 'rle' })).data.equals(RLE), 'codec rle');
      let a = await c.request(OP.Compress, { page: 1 }, PBM);
      expect(a.status === STATUS.InvalidImage && a.message.includes('page'), 'page out of range');
      a = await c.request(OP.Compress, { maxPixels: 10 }, PBM);
      expect(a.status === STATUS.ImageTooLarge, 'maxPixels tightens');
      const over = Buffer.concat([Buffer.from('P4\n8000 8000\n'), Buffer.alloc(8000 * 1000)]);
      a = await c.request(OP.Compress, { maxPixels: 10n ** 12n }, over);
      expect(a.status === STATUS.ImageTooLarge, 'maxPixels cannot raise the limit');
      a = await c.request(OP.Compress, { deadlineMs: 20 }, big);
      expect(a.status === STATUS.Timeout, `deadline ${a.status}`);
      await c.close();
    },
    async badRequests() {
      const c = await RleTcpClient.connect(port);
      let a = await c.request(OP.Compress, Buffer.from([0x63, 0]), PBM);
      expect(a.status === STATUS.BadRequest && a.message.includes('0x63'), 'unknown option');
      a = await c.request(OP.Compress, { width: 10, filter: 'sinc' }, PBM);
      expect(a.status === STATUS.BadRequest && a.message.includes('sinc'), 'unknown filter');
      a = await c.request(OP.Compress, { format: 'png' }, PBM);
      expect(a.status === STATUS.BadRequest, 'option the op does not use');
      await c.compress(PBM, { codec: 'nope' }).then(() => expect(false, 'unknown codec'), (e) => expect(e instanceof RleTcpError && e.status === STATUS.BadRequest, 'unknown codec'));
      const unknown = c.expect(78);
      c.sendRaw(Buffer.from([42, 0, 0, 0, 78, 0, 0]));
      a = await unknown;
      expect(a.status === STATUS.BadRequest && a.message.includes('42'), 'unknown op');
      expect((await c.compress(PBM)).data.equals(RLE), 'the connection stays usable');
      await c.close();
    },
    async cancel() {
      const c = await RleTcpClient.connect(port);
      const controller = new AbortController();
      const pending = c.compress(big, {}, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await pending.then(() => expect(false, 'aborted request rejects'), (e) => expect(e.name === 'AbortError', `abort: ${e}`));
      expect((await c.compress(PBM)).data.equals(RLE), 'usable after a cancel');
      await c.close();
    },
  };
  let failures = 0;
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      console.log(`ok   ${name}`);
    } catch (e) {
      failures++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  }
  console.log(`${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main();
