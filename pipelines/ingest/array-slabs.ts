/**
 * Room for many typed arrays carved out of a few large buffers (slabs), handed out in order.
 *
 * Why: the ingest gives each of tens of thousands of series its own arrays (33 KB for 1,941
 * days). Allocated one by one they land in the C library's heap (glibc's main arena), between
 * the input's read buffers and everything else the process allocates, and when the run lets
 * the histories go before the levels stage (pipelines/run/run.ts) their gigabyte stays there as
 * holes that glibc neither reuses for the JS heap nor gives back: at M5 scale (30,490 series)
 * that was the difference between the run's peak RSS and the 2 GiB target (README "M5 scale").
 * Slabs over glibc's largest dynamic mmap threshold (32 MiB) are mapped on their own, so a
 * slab goes back to the system as a whole once the garbage collector frees it.
 *
 * Each region is zeroed (fresh slabs are; regions are never handed out twice) and starts at a
 * multiple of 8 bytes, so a Float64Array may start there. Nothing is ever given back to the
 * pool: a slab is freed by the garbage collector when no array views it any more (the pool keeps
 * only the slab it is filling), so a region given up (a series' arrays grown elsewhere) costs its
 * bytes until every other region of its slab is given up too. The slabs grow with what was taken
 * (each as large as all before it, from `firstSlabBytes` to `maxSlabBytes`), so a small input
 * takes little; a request over a quarter of `maxSlabBytes` gets a buffer of its own.
 */

/** Bytes [offset, offset + bytes) of `buffer`, zeroed, offset a multiple of 8. */
export interface SlabRegion {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly offset: number;
}

/** Options of {@link ArraySlabs}. */
export interface ArraySlabsOptions {
  /** Size of the first slab. @defaultValue 1 MiB */
  readonly firstSlabBytes?: number;
  /** Largest slab. @defaultValue 64 MiB (over glibc's largest dynamic mmap threshold, 32 MiB) */
  readonly maxSlabBytes?: number;
  /**
   * Slabs of shared memory (SharedArrayBuffer): a worker thread sent a view of one reads the same
   * bytes, not a copy (the pooled stage's thread: pipelines/forecast/pooled-runner.ts). @defaultValue false
   */
  readonly shared?: boolean;
}

const MIB = 1024 * 1024;

/** A bump allocator of zeroed regions over growing slabs (see the module comment). */
export class ArraySlabs {
  private slab: ArrayBuffer | SharedArrayBuffer | null = null;
  /** Next free byte of `slab`. */
  private next = 0;
  /** Bytes of all slabs made so far (given-up regions included). */
  private reserved = 0;
  private slabCount = 0;
  private readonly first: number;
  private readonly max: number;
  private readonly shared: boolean;

  constructor(opts: ArraySlabsOptions = {}) {
    this.first = opts.firstSlabBytes ?? MIB;
    this.max = opts.maxSlabBytes ?? 64 * MIB;
    this.shared = opts.shared ?? false;
    if (!(this.first >= 8 && this.max >= this.first)) throw new Error(`ArraySlabs needs 8 <= firstSlabBytes <= maxSlabBytes, got ${this.first} and ${this.max}`);
  }

  /** Slabs made so far (buffers of their own not counted). */
  get slabs(): number {
    return this.slabCount;
  }

  /** Bytes of the slabs made so far. */
  get reservedBytes(): number {
    return this.reserved;
  }

  /**
   * A zeroed region of `bytes` bytes (0 allowed), 8-aligned.
   * @throws RangeError when `bytes` is negative or not an integer.
   */
  take(bytes: number): SlabRegion {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`ArraySlabs.take needs a whole number of bytes, got ${bytes}`);
    if (bytes > this.max / 4) return { buffer: this.buffer(bytes), offset: 0 };
    if (this.slab === null || this.next + bytes > this.slab.byteLength) this.newSlab(bytes);
    const offset = this.next;
    this.next = offset + ((bytes + 7) & ~7);
    return { buffer: this.slab!, offset };
  }

  /** Start a slab as large as all before it (within [first, max]) and at least `bytes`. */
  private newSlab(bytes: number): void {
    const size = Math.max(bytes, Math.min(this.max, Math.max(this.first, this.reserved)));
    this.slab = this.buffer(size);
    this.next = 0;
    this.reserved += size;
    this.slabCount++;
  }

  /** A fresh zeroed buffer, shared or not. */
  private buffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}
