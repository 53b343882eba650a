// Type declarations for the rletcp package (index.js). Protocol: docs/PROTOCOL.md.
/// <reference types="node" />
import type { Socket } from 'net';

export declare const STATUS: Readonly<{
  Ok: 0; InvalidImage: 1; FrameTooLarge: 2; ImageTooLarge: 3; Busy: 4; Timeout: 5; InternalError: 6;
  BadRequest: 7; Cancelled: 8;
}>;
export declare const OP: Readonly<{ Hello: 0; Compress: 1; Info: 2; Decompress: 3; Cancel: 4; Ping: 5 }>;

/** Per-request options (protocol v2). Limits can only tighten the server's. */
export interface RequestOptions {
  conversion?: 'pillow' | 'threshold';
  /** 0..255: white when luma >= threshold; implies conversion 'threshold'. */
  threshold?: number;
  invert?: boolean;
  /** GIF frame or TIFF page, from 0. */
  page?: number;
  width?: number;
  height?: number;
  filter?: 'nearest' | 'box' | 'bilinear' | 'bicubic' | 'lanczos3';
  codec?: string;
  deadlineMs?: number;
  maxPixels?: number | bigint;
  /** DECOMPRESS output. */
  format?: 'png' | 'bmp' | 'pbm' | 'tiff';
}

/** What a v2 server announced in its HELLO answer. */
export interface ServerInfo {
  protocolVersion: number;
  serverVersion: string;
  maxFrameBytes: number;
  maxPixels: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  ops: string[];
  options: string[];
  codecs: string[];
  formats: string[];
  filters: string[];
}

export interface AnswerFields {
  width?: number;
  height?: number;
  codec?: string;
  format?: string;
  mode?: string;
  frames?: number;
  cancelled?: boolean;
  [name: string]: unknown;
}

export interface Answer {
  status: number;
  id: number;
  op: number;
  fields: AnswerFields;
  body: Buffer;
  readonly message: string;
}

export interface CompressResult {
  data: Buffer;
  width: number;
  height: number;
  codec: string;
}

export interface ConnectOptions {
  /** 'auto' (default): HELLO, fall back to v1 when answered InvalidImage. */
  protocol?: 'auto' | 'v1' | 'v2';
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export declare class RleTcpError extends Error {
  readonly status: number;
  readonly serverMessage: string;
}

export declare class RleTcpClient {
  static connect(port?: number, host?: string, options?: ConnectOptions): Promise<RleTcpClient>;
  readonly server: ServerInfo | null;
  readonly protocolVersion: 1 | 2;
  request(op: number, options?: RequestOptions | Buffer | null, body?: Buffer, extra?: { signal?: AbortSignal; id?: number }): Promise<Answer>;
  sendRaw(payload: Buffer): void;
  expect(id: number): Promise<Answer>;
  ping(): Promise<void>;
  compress(image: Buffer, options?: RequestOptions, extra?: { signal?: AbortSignal }): Promise<CompressResult>;
  info(image: Buffer): Promise<AnswerFields>;
  decompress(data: Buffer, options?: Pick<RequestOptions, 'codec' | 'format' | 'invert' | 'maxPixels' | 'deadlineMs'>): Promise<Buffer>;
  cancel(id: number): Promise<boolean>;
  close(): Promise<void>;
}

export declare function frame(payload: Buffer): Buffer;
export declare function encodeOptions(options?: RequestOptions | null): Buffer;
export declare function encodeRequest(op: number, id: number, options?: RequestOptions | Buffer | null, body?: Buffer): Buffer;
export declare function parseAnswer(payload: Buffer): Answer;
