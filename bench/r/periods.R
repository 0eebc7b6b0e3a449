# Reference forecasts for bench/period-accuracy.ts: R forecast 8.20 on the weekly and monthly
# sets of bench/period-sets.ts (M5 slice by Monday week and by month, Online Retail by Monday week).
#
# For every series of a set: the training periods from the first sale on (pre-launch zeros are not
# history: the M5 definition, as in ets-m5.R) up to the held-out periods, as ts(frequency = 52)
# for weekly data (R's convention: snaive needs a whole lag; ets ignores seasons over 24 and says
# so; thetaf tests and removes a 52-week season by classical decomposition) and ts(frequency = 12)
# for monthly data; then
#   ets      forecast(ets(y), h, level = c(80, 95))          automatic ETS choice by AICc
#   thetaf   thetaf(y, h, level = c(80, 95))
#   snaive   snaive(y, h, level = c(80, 95))                  (needs one full season: else absent)
#   naive    naive(y, h, level = c(80, 95))
#   sba      Syntetos & Boylan's (2005) bias-corrected Croston, (1 - alpha / 2) z / p with alpha 0.1:
#            z and p are forecast::croston's own smoothing (SES with initial = "simple" on the
#            demand sizes and on the intervals, diff(c(0, which(y > 0)))), written out here
#            because forecast 8.20's croston() has no `type` argument and takes seconds per
#            series; sba_mean(y, h) equals 0.95 * croston(y, h)$mean (checked on the first
#            series of each set when the script runs)
# Means and bounds are clipped at 0 (demand cannot be negative; the pipeline clips the same way)
# and rounded to 3 decimals. Written gzip-compressed to bench/r/periods-<set>.csv.gz with columns
# store,sku,method,band,f1..fh (band: mean, lo80, hi80, lo95, hi95; sba has mean only). A series
# without a sale in its training periods gets 0 from every method.
#
# Usage (from the project root, after `node dist/bench/period-sets.js ../shared/data`):
#   Rscript bench/r/periods.R [bench/out/period-sets] [bench/r]
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
in_dir <- if (length(args) >= 1) args[1] else "bench/out/period-sets"
out_dir <- if (length(args) >= 2) args[2] else "bench/r"
sets <- c("m5-week" = 52, "m5-month" = 12, "retail-week" = 52)

clip <- function(x) round(pmax(0, as.numeric(x)), 3)

# SBA point forecast: 0.95 * the Croston ratio of forecast::croston (alpha = 0.1)
sba_mean <- function(y, h, alpha = 0.1) {
  y <- as.numeric(y)
  sizes <- y[y > 0]
  gaps <- diff(c(0, which(y > 0)))
  if (length(sizes) == 0) return(rep(0, h))
  level <- function(v) {
    l <- v[1]
    for (u in v) l <- l + alpha * (u - l)
    l
  }
  rep((1 - alpha / 2) * level(sizes) / level(gaps), h)
}

bands <- function(method, fc, h) {
  rows <- list(c(method, "mean", clip(fc$mean)))
  if (!is.null(fc$lower)) {
    for (l in c("80", "95")) {
      j <- which(as.numeric(fc$level) == as.numeric(l))
      stopifnot(length(j) == 1)
      rows[[length(rows) + 1]] <- c(method, paste0("lo", l), clip(fc$lower[, j]))
      rows[[length(rows) + 1]] <- c(method, paste0("hi", l), clip(fc$upper[, j]))
    }
  }
  rows
}

for (set in names(sets)) {
  freq <- sets[[set]]
  d <- read.csv(file.path(in_dir, paste0(set, ".csv")), colClasses = c("character", "character", "integer", "numeric", "integer"))
  d$store[is.na(d$store)] <- ""
  keys <- unique(d[, c("store", "sku")])
  h <- sum(d$test[d$store == keys$store[1] & d$sku == keys$sku[1]])
  out <- list()
  ets_models <- character(nrow(keys))
  t0 <- Sys.time()
  for (i in seq_len(nrow(keys))) {
    s <- d[d$store == keys$store[i] & d$sku == keys$sku[i], ]
    s <- s[order(s$t), ]
    train <- s$y[s$test == 0]
    first <- which(train > 0)[1]
    if (is.na(first)) {
      # no sale in the training periods: every method forecasts 0 (as the pipeline's zero forecast)
      zero <- rep(0, h)
      out[[i]] <- cbind(keys$store[i], keys$sku[i], do.call(rbind, lapply(c("ets", "thetaf", "naive", "sba"), function(m) c(m, "mean", zero))))
      next
    }
    y <- ts(train[first:length(train)], frequency = freq)
    rows <- list()
    fit <- suppressWarnings(ets(y))
    ets_models[i] <- fit$method
    rows <- c(rows, bands("ets", forecast(fit, h = h, level = c(80, 95)), h))
    rows <- c(rows, bands("thetaf", thetaf(y, h = h, level = c(80, 95)), h))
    sn <- tryCatch(snaive(y, h = h, level = c(80, 95)), error = function(e) NULL)
    if (!is.null(sn) && length(y) >= freq) rows <- c(rows, bands("snaive", sn, h))
    rows <- c(rows, bands("naive", naive(y, h = h, level = c(80, 95)), h))
    sba <- sba_mean(y, h)
    if (i == 1) stopifnot(isTRUE(all.equal(sba, 0.95 * as.numeric(croston(y, h = h, alpha = 0.1)$mean))))
    rows[[length(rows) + 1]] <- c("sba", "mean", clip(sba))
    m <- do.call(rbind, rows)
    out[[i]] <- cbind(keys$store[i], keys$sku[i], m)
  }
  all <- as.data.frame(do.call(rbind, out), stringsAsFactors = FALSE)
  names(all) <- c("store", "sku", "method", "band", paste0("f", seq_len(h)))
  path <- file.path(out_dir, paste0("periods-", set, ".csv.gz"))
  con <- gzfile(path, "w")
  write.csv(all, con, row.names = FALSE, quote = FALSE)
  close(con)
  cat(sprintf("%s: %d series, h = %d, %.0f s -> %s\n", set, nrow(keys), h, as.numeric(difftime(Sys.time(), t0, units = "secs")), path))
  print(head(sort(table(ets_models), decreasing = TRUE), 8))
}
