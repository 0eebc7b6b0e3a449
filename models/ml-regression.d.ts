/**
 * Types for the part of `ml-regression` (mljs, MIT) the project uses (the regression model and the
 * impact analysis); the package ships no declarations of its own. See ml-regression-multivariate-linear/src/index.js.
 */
declare module 'ml-regression' {
  /** Ordinary least squares via the SVD inverse of X'X, with optional coefficient statistics. */
  export class MultivariateLinearRegression {
    /**
     * @param x rows of features (n x p).
     * @param y rows of responses (n x q).
     * @param options `intercept` appends a column of ones (its weight is last); `statistics` computes
     *   `stdError` (sqrt(SSE / (n - p'))) and `stdErrorMatrix` (the coefficient covariance).
     */
    constructor(x: number[][], y: number[][], options?: { intercept?: boolean; statistics?: boolean });
    /** p' x q weights, the intercept last when fitted with one. */
    readonly weights: number[][];
    readonly stdError: number;
    readonly stdErrorMatrix: { to2DArray(): number[][] };
    /** Standard error of each weight (with `statistics`). */
    readonly stdErrors: number[];
    /** t statistic of each weight (with `statistics`). */
    readonly tStats: number[];
    predict(x: number[]): number[];
  }
}
