# Reference values for test/models/*.test.ts, from R's forecast package.
#
# Run:  Rscript bench/r/reference-values.R > test/models/reference/r-reference.json
# Recorded with R 4.2.2 Patched (2022-11-10 r83330), forecast 8.20, jsonlite 1.8.4 (Debian bookworm
# packages r-base-core and r-cran-forecast). The tests copy the numbers they use, each with its R call
# in a comment; this file and its JSON output are kept so that every number can be traced and re-made.
suppressMessages(library(forecast))
library(jsonlite)

out <- list(R = R.version.string, forecast = as.character(packageVersion("forecast")))
sdOf <- function(fc) as.numeric((fc$upper[, 2] - fc$mean) / qnorm(0.975))
num <- function(x) as.numeric(x)

# ---- fixtures -------------------------------------------------------------------------------
lake <- as.numeric(LakeHuron)          # 98 yearly levels
bj <- as.numeric(BJsales)              # 150 sales values, trending
set.seed(42)
tt <- 1:56
w56 <- round(10 + 0.05 * tt + rep(c(2, 0, -1, -1, 0, 3, 5), 8) + rnorm(56), 1)  # 8 weeks, weekly season
w56z <- pmax(0, round(w56 - 11, 1))             # the same with zero days (additive seasonal adjustment)
int40 <- c(0, 0, 3, 0, 1, 0, 0, 0, 2, 0, 0, 5, 0, 0, 0, 0, 1, 0, 2, 0,
           0, 0, 0, 3, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 4, 0, 0, 0, 1, 0)
out$fixtures <- list(LakeHuron = lake, BJsales = bj, AirPassengers = as.numeric(AirPassengers), w56 = w56, w56z = w56z, int40 = int40)

# ---- naive, snaive ----------------------------------------------------------------------------
f <- naive(lake, h = 3)
out$naive_lake <- list(call = "naive(LakeHuron, h = 3)", mean = num(f$mean), sd = sdOf(f))
f <- snaive(ts(w56, frequency = 7), h = 9)
out$snaive_w56 <- list(call = "snaive(ts(w56, frequency = 7), h = 9)", mean = num(f$mean), sd = sdOf(f))

# ---- ses --------------------------------------------------------------------------------------
f <- ses(lake, h = 3)
out$ses_lake <- list(call = "ses(LakeHuron, h = 3)", par = as.list(f$model$par), sse = sum(residuals(f)^2),
                     sigma2 = f$model$sigma2, mean = num(f$mean), sd = sdOf(f))
m <- ets(lake, "ANN", alpha = 0.3, opt.crit = "mse")
f <- forecast(m, h = 3)
out$ses_lake_a03 <- list(call = 'ets(LakeHuron, "ANN", alpha = 0.3, opt.crit = "mse"); forecast(h = 3)',
                         par = as.list(m$par), sse = sum(m$residuals^2), sigma2 = m$sigma2, mean = num(f$mean), sd = sdOf(f))
f <- ses(lake, alpha = 0.3, initial = "simple", h = 3)
out$ses_lake_simple <- list(call = 'ses(LakeHuron, alpha = 0.3, initial = "simple", h = 3)', mean = num(f$mean),
                            sd = sdOf(f), sse = f$model$SSE, fitted = num(fitted(f))[1:5])

# ---- holt damped ------------------------------------------------------------------------------
m <- ets(bj, "AAN", damped = TRUE, opt.crit = "mse")
f <- forecast(m, h = 5)
out$holt_bj <- list(call = 'ets(BJsales, "AAN", damped = TRUE, opt.crit = "mse"); forecast(h = 5)',
                    par = as.list(m$par), sse = sum(m$residuals^2), sigma2 = m$sigma2, mean = num(f$mean), sd = sdOf(f))
m <- ets(bj, "AAN", damped = TRUE, alpha = 0.5, beta = 0.2, phi = 0.9, opt.crit = "mse")
f <- forecast(m, h = 5)
out$holt_bj_fixed <- list(call = 'ets(BJsales, "AAN", damped = TRUE, alpha = 0.5, beta = 0.2, phi = 0.9, opt.crit = "mse"); forecast(h = 5)',
                          par = as.list(m$par), sse = sum(m$residuals^2), mean = num(f$mean), sd = sdOf(f))

# ---- holt-winters -----------------------------------------------------------------------------
y7 <- ts(w56, frequency = 7)
m <- ets(y7, "AAA", opt.crit = "mse")
out$hw_w56 <- list(call = 'ets(ts(w56, frequency = 7), "AAA", opt.crit = "mse")', par = as.list(m$par), sse = sum(m$residuals^2))
m <- ets(y7, "AAA", damped = TRUE, opt.crit = "mse")
out$hwd_w56 <- list(call = 'ets(ts(w56, frequency = 7), "AAA", damped = TRUE, opt.crit = "mse")', par = as.list(m$par), sse = sum(m$residuals^2))
m <- ets(y7, "AAA", alpha = 0.3, beta = 0.03, gamma = 0.2, opt.crit = "mse")
f <- forecast(m, h = 10)
out$hw_w56_fixed <- list(call = 'ets(ts(w56, frequency = 7), "AAA", alpha = 0.3, beta = 0.03, gamma = 0.2, opt.crit = "mse"); forecast(h = 10)',
                         par = as.list(m$par), sse = sum(m$residuals^2), sigma2 = m$sigma2, mean = num(f$mean), sd = sdOf(f))
m <- ets(y7, "AAA", damped = TRUE, alpha = 0.3, beta = 0.03, gamma = 0.2, phi = 0.9, opt.crit = "mse")
f <- forecast(m, h = 10)
out$hwd_w56_fixed <- list(call = 'ets(ts(w56, frequency = 7), "AAA", damped = TRUE, alpha = 0.3, beta = 0.03, gamma = 0.2, phi = 0.9, opt.crit = "mse"); forecast(h = 10)',
                          par = as.list(m$par), sse = sum(m$residuals^2), sigma2 = m$sigma2, mean = num(f$mean), sd = sdOf(f))
f <- hw(y7, alpha = 0.3, beta = 0.1, gamma = 0.2, initial = "simple", h = 10)
out$hw_w56_simple <- list(call = 'hw(ts(w56, frequency = 7), alpha = 0.3, beta = 0.1, gamma = 0.2, initial = "simple", h = 10)',
                          mean = num(f$mean), sd = sdOf(f), sse = f$model$SSE, sigma2 = f$model$sigma2)

# ---- croston ----------------------------------------------------------------------------------
f <- croston(c(0, 3, 0, 0, 2), alpha = 0.1, h = 2)
out$croston_tiny <- list(call = "croston(c(0, 3, 0, 0, 2), alpha = 0.1, h = 2)", mean = num(f$mean), fitted = num(fitted(f)))
f <- croston(int40, alpha = 0.1, h = 3)
out$croston_int40 <- list(call = "croston(int40, alpha = 0.1, h = 3)", mean = num(f$mean), fitted = num(fitted(f)))
f <- croston(int40, alpha = 0.25, h = 3)
out$croston_int40_a025 <- list(call = "croston(int40, alpha = 0.25, h = 3)", mean = num(f$mean), fitted = num(fitted(f)))

# ---- theta ------------------------------------------------------------------------------------
f <- thetaf(lake, h = 5)
out$theta_lake <- list(call = "thetaf(LakeHuron, h = 5)", mean = num(f$mean), sd = sdOf(f), alpha = num(f$model$alpha), drift = num(f$model$drift))
f <- thetaf(AirPassengers, h = 14)
out$theta_air <- list(call = "thetaf(AirPassengers, h = 14)", mean = num(f$mean), sd = sdOf(f), alpha = num(f$model$alpha), drift = num(f$model$drift),
                      fitted = num(fitted(f))[1:5])
f <- thetaf(ts(w56, frequency = 7), h = 10)
out$theta_w56 <- list(call = "thetaf(ts(w56, frequency = 7), h = 10)", mean = num(f$mean), sd = sdOf(f), alpha = num(f$model$alpha), drift = num(f$model$drift))
# additive adjustment for series with zeros (our documented variant): thetaf's steps with type = "additive"
x7 <- ts(w56z, frequency = 7)
r <- as.numeric(acf(x7, lag.max = 7, plot = FALSE)$acf)[-1]
stat <- sqrt((1 + 2 * sum(r[-7]^2)) / 56)
dec <- decompose(x7, type = "additive")
xa <- seasadj(dec)
sf <- ses(xa, h = 10)
a <- sf$model$par["alpha"]
drift <- lsfit(0:55, xa)$coefficients[2] / 2
mean_add <- sf$mean + drift * (0:9 + (1 - (1 - a)^56) / a) + rep(tail(dec$seasonal, 7), 2)[1:10]
out$theta_w56z_additive <- list(
  call = 'steps of thetaf with decompose(ts(w56z, frequency = 7), type = "additive"): ses(seasadj) + drift + tail(seasonal)',
  seasonalStat = abs(r[7]) / stat, figure = num(dec$figure), mean = num(mean_add),
  sd = num(sqrt(sf$model$sigma2) * sqrt((0:9) * a^2 + 1)), alpha = num(a), drift = num(drift))

# ---- regression -------------------------------------------------------------------------------
n <- 42
day <- 0:(n + 6)
dow <- (day + 2) %% 7                    # first day is a Wednesday (0 = Monday)
snap <- as.numeric(day %% 10 < 3)
price <- c(rep(2.5, 20), rep(2.0, 15), rep(2.25, n + 7 - 35))
set.seed(7)
yr <- round(5 + 0.03 * day + c(0, -1, -1, 0, 1, 3, 2)[dow + 1] + 2 * snap - 1.5 * (price - 2.25) + rnorm(n + 7, sd = 0.7), 2)
d <- data.frame(y = yr, trend = day / n, dow = factor(dow, levels = 0:6), snap = snap, price = price)
fit <- lm(y ~ trend + dow + snap + price, data = d[1:n, ])
p <- predict(fit, newdata = d[(n + 1):(n + 7), ], se.fit = TRUE)
out$regression <- list(call = "lm(y ~ trend + dow + snap + price); predict(fit, newdata, se.fit = TRUE)",
                       y = yr[1:n], snap = snap, price = price, firstDow = 2,
                       coef = as.list(coef(fit)), sigma = summary(fit)$sigma,
                       mean = num(p$fit), sd = num(sqrt(p$se.fit^2 + p$residual.scale^2)), fitted = num(fitted(fit))[1:5])
fit0 <- lm(y ~ trend + dow, data = d[1:n, ])
p0 <- predict(fit0, newdata = d[(n + 1):(n + 7), ], se.fit = TRUE)
out$regression_plain <- list(call = "lm(y ~ trend + dow); predict(fit, newdata, se.fit = TRUE)",
                             mean = num(p0$fit), sd = num(sqrt(p0$se.fit^2 + p0$residual.scale^2)), sigma = summary(fit0)$sigma)

cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
