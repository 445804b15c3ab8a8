// The few parts of s3rver 3.7.1 (no types of its own) the test harness uses.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string }>;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** S3-shaped event notifications (`{"Records":[…]}`) for each object created or deleted. */
    on(event: 'event', listener: (event: unknown) => void): this;
  }
}
