// Type declarations for the untyped codec packages this folder uses.

declare module 'snappyjs' {
  /** Raw snappy block compression (no framing). Returns the same kind of array it was given. */
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
}

declare module 'lz4js' {
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  /** Decodes one LZ4 block from src[sIndex, sIndex + sLength) into dst at dIndex; returns the end index in dst. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
