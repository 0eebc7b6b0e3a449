/**
 * Cholesky solve of small symmetric positive-definite systems (k <= ~20) on Float64Arrays, for the
 * least-squares initial states of Holt-Winters (holt-winters.ts), inside the model's fit: solve
 * A x = r; and the regression's (X'X)^-1 ({@link choleskyInverse}, ml-matrix's arithmetic). Row-major storage; only the
 * upper triangle of A is read. A ridge of 1e-12 x max diagonal guards against rounding; a pivot
 * below 1e-14 x max diagonal means A is (numerically) singular and the solve returns null.
 *
 * Source: G. H. Golub & C. F. Van Loan, *Matrix Computations* (4th ed., 2013), §4.2 Algorithm 4.2.1.
 */

/** Lower-triangular factor L (row-major, k x k) with L L' = A, or null when A is not positive definite. */
function factor(a: Float64Array, k: number): Float64Array | null {
  const { L, rank } = choleskyLeading(a, k);
  return rank === k ? L : null;
}

/**
 * Cholesky factor of the leading block of A that is numerically positive definite: factors columns
 * 0, 1, ... until a pivot fails. The leading r x r block of L is the factor of the leading r x r block
 * of A, so nested least-squares models (the first r columns of a design) share one factorisation.
 *
 * @param a k x k matrix, row-major (upper triangle used).
 * @param k dimension.
 * @returns L (k x k, rows past `rank` zero) and the rank r of the leading block factored.
 */
export function choleskyLeading(a: Float64Array, k: number): { L: Float64Array; rank: number } {
  const L = new Float64Array(k * k);
  let maxDiag = 0;
  for (let c = 0; c < k; c++) maxDiag = Math.max(maxDiag, a[c * k + c]);
  if (!(maxDiag > 0) || !Number.isFinite(maxDiag)) return { L, rank: 0 };
  const ridge = 1e-12 * maxDiag;
  for (let row = 0; row < k; row++) {
    for (let col = 0; col <= row; col++) {
      let s = a[col * k + row] + (row === col ? ridge : 0);
      for (let q = 0; q < col; q++) s -= L[row * k + q] * L[col * k + q];
      if (row === col) {
        if (!(s > 1e-14 * maxDiag)) {
          L.fill(0, row * k, row * k + k);
          return { L, rank: row };
        }
        L[row * k + row] = Math.sqrt(s);
      } else {
        L[row * k + col] = s / L[col * k + col];
      }
    }
  }
  return { L, rank: k };
}

/**
 * Solve the leading r x r block of A x = r_vec from its Cholesky factor (a k x k factor of which the
 * leading r x r block is used; see {@link choleskyLeading}).
 */
export function choleskySolveLeading(L: Float64Array, k: number, rhs: ArrayLike<number>, r: number): Float64Array {
  const x = new Float64Array(r);
  for (let row = 0; row < r; row++) {
    let s = rhs[row];
    for (let q = 0; q < row; q++) s -= L[row * k + q] * x[q];
    x[row] = s / L[row * k + row];
  }
  for (let row = r - 1; row >= 0; row--) {
    let s = x[row];
    for (let q = row + 1; q < r; q++) s -= L[q * k + row] * x[q];
    x[row] = s / L[row * k + row];
  }
  return x;
}

function solveFactored(L: Float64Array, r: ArrayLike<number>, k: number): Float64Array {
  return choleskySolveLeading(L, k, r, k);
}

/**
 * Solve A x = r for symmetric positive-definite A.
 *
 * @param a k x k matrix, row-major (upper triangle used).
 * @param r right-hand side, length k.
 * @param k dimension.
 * @returns x, or null when A is singular.
 */
export function choleskySolve(a: Float64Array, r: ArrayLike<number>, k: number): Float64Array | null {
  const L = factor(a, k);
  return L ? solveFactored(L, r, k) : null;
}

/**
 * The inverse of a symmetric matrix by ml-matrix's `CholeskyDecomposition(a).solve(Matrix.eye(p))`,
 * the same operations in the same order (so the same doubles), on Float64Arrays instead of Matrix
 * objects: the regression inverts X'X at every fit, and the Matrix objects cost about a fifth of it.
 * The factor is the Cholesky-Banachiewicz one (row by row); a pivot d <= 0 makes it not positive
 * definite (ml-matrix's `isPositiveDefinite()` false), and then the inverse is null.
 *
 * @param a p x p symmetric matrix, row-major (read whole, as ml-matrix reads it).
 * @returns the inverse (p x p row-major) and the factor's diagonal, or null when not positive definite.
 * @throws as ml-matrix does when `a` is not symmetric (a NaN entry included).
 */
export function choleskyInverse(a: Float64Array, p: number): { inverse: Float64Array; diagonal: Float64Array } | null {
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) if (a[i * p + j] !== a[j * p + i]) throw new Error('Matrix is not symmetric');
  const l = new Float64Array(p * p);
  let positiveDefinite = true;
  for (let j = 0; j < p; j++) {
    let d = 0;
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += l[k * p + i] * l[j * p + i];
      s = (a[j * p + k] - s) / l[k * p + k];
      l[j * p + k] = s;
      d = d + s * s;
    }
    d = a[j * p + j] - d;
    positiveDefinite &&= d > 0;
    l[j * p + j] = Math.sqrt(Math.max(d, 0));
  }
  if (!positiveDefinite) return null;
  // B = I; forward then back substitution on every column, as ml-matrix's solve
  const b = new Float64Array(p * p);
  for (let k = 0; k < p; k++) b[k * p + k] = 1;
  for (let k = 0; k < p; k++) {
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < k; i++) b[k * p + j] = b[k * p + j] - b[i * p + j] * l[k * p + i];
      b[k * p + j] = b[k * p + j] / l[k * p + k];
    }
  }
  for (let k = p - 1; k >= 0; k--) {
    for (let j = 0; j < p; j++) {
      for (let i = k + 1; i < p; i++) b[k * p + j] = b[k * p + j] - b[i * p + j] * l[i * p + k];
      b[k * p + j] = b[k * p + j] / l[k * p + k];
    }
  }
  const diagonal = new Float64Array(p);
  for (let c = 0; c < p; c++) diagonal[c] = l[c * p + c];
  return { inverse: b, diagonal };
}
