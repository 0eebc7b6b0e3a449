/**
 * Cholesky solve of small symmetric positive-definite systems (k <= ~20) on Float64Arrays, for the
 * least-squares initial states of Holt-Winters (holt-winters.ts), inside the model's fit: solve
 * A x = r. (The regression's (X'X)^-1 uses ml-matrix, regression.ts.) Row-major storage; only the
 * upper triangle of A is read. A ridge of 1e-12 x max diagonal guards against rounding; a pivot
 * below 1e-14 x max diagonal means A is (numerically) singular and the solve returns null.
 *
 * Source: G. H. Golub & C. F. Van Loan, *Matrix Computations* (4th ed., 2013), §4.2 Algorithm 4.2.1.
 */

/** Lower-triangular factor L (row-major, k x k) with L L' = A, or null when A is not positive definite. */
function factor(a: Float64Array, k: number): Float64Array | null {
  const L = new Float64Array(k * k);
  let maxDiag = 0;
  for (let c = 0; c < k; c++) maxDiag = Math.max(maxDiag, a[c * k + c]);
  if (!(maxDiag > 0) || !Number.isFinite(maxDiag)) return null;
  const ridge = 1e-12 * maxDiag;
  for (let row = 0; row < k; row++) {
    for (let col = 0; col <= row; col++) {
      let s = a[col * k + row] + (row === col ? ridge : 0); // upper triangle: A[col][row] = A[row][col]
      for (let q = 0; q < col; q++) s -= L[row * k + q] * L[col * k + q];
      if (row === col) {
        if (!(s > 1e-14 * maxDiag)) return null;
        L[row * k + row] = Math.sqrt(s);
      } else {
        L[row * k + col] = s / L[col * k + col];
      }
    }
  }
  return L;
}

function solveFactored(L: Float64Array, r: ArrayLike<number>, k: number): Float64Array {
  const x = new Float64Array(k);
  for (let row = 0; row < k; row++) {
    let s = r[row];
    for (let q = 0; q < row; q++) s -= L[row * k + q] * x[q];
    x[row] = s / L[row * k + row];
  }
  for (let row = k - 1; row >= 0; row--) {
    let s = x[row];
    for (let q = row + 1; q < k; q++) s -= L[q * k + row] * x[q];
    x[row] = s / L[row * k + row];
  }
  return x;
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
