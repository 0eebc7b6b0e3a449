# Reference forecasts and quantiles for bench/m5-hierarchy.ts: R forecast::ets() on every
# M5-slice series, for three 28-day periods.
#
# Period `offset` (0, 28, 56 days) holds out the 28 days that end `offset` days before the last
# day of sales.csv.gz; each series is fitted from its first sale (pre-launch zeros are not
# history) to the last training day, as a daily series with weekly seasonality
# (ts(frequency = 7)), with ets()'s automatic model choice, exactly as bench/r/ets-m5.R (whose
# offset-0 means this reproduces). forecast(fit, h = 28, level = c(50, 67, 95, 99)) gives the
# M5 uncertainty track's nine quantiles: 0.005/0.995 (99%), 0.025/0.975 (95%), 0.165/0.835
# (67%), 0.25/0.75 (50%) and the point forecast as the median. Everything is clipped at 0
# (demand cannot be negative; clipping only helps ets) and rounded to 4 decimals.
#
# Output (gzip CSV): offset,store,sku,what,f1..f28 with what = mean, q0.005, ..., q0.995.
# Usage (from the project root): Rscript bench/r/ets-m5-quantiles.R ../shared/data [bench/r/ets-m5-quantiles.csv.gz]
# Needs: R with the forecast package (Debian: apt-get install -y r-cran-forecast; 8.20 here).
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[1] else "../shared/data"
out_path <- if (length(args) >= 2) args[2] else "bench/r/ets-m5-quantiles.csv.gz"
h <- 28
offsets <- c(0, 28, 56)
limit <- if (length(args) >= 3) as.integer(args[3]) else Inf

sales <- read.csv(gzfile(file.path(data_dir, "m5-slice", "sales.csv.gz")), stringsAsFactors = FALSE)
sales$date <- as.Date(sales$date)
keys <- unique(sales[, c("store_id", "item_id")])
split_sales <- split(sales, paste(sales$store_id, sales$item_id))

what <- c("mean", "q0.005", "q0.025", "q0.165", "q0.25", "q0.5", "q0.75", "q0.835", "q0.975", "q0.995")
out <- list()
for (offset in offsets) {
  last_train <- max(sales$date) - h - offset
  for (i in seq_len(min(nrow(keys), limit))) {
    s <- split_sales[[paste(keys$store_id[i], keys$item_id[i])]]
    s <- s[s$date <= last_train, ]
    s <- s[order(s$date), ]
    first <- which(s$units > 0)[1]
    y <- ts(s$units[first:nrow(s)], frequency = 7)
    fit <- ets(y)
    fc <- forecast(fit, h = h, level = c(50, 67, 95, 99))
    m <- as.numeric(fc$mean)
    lo <- unclass(fc$lower)
    hi <- unclass(fc$upper)
    qs <- rbind(m, lo[, "99%"], lo[, "95%"], lo[, "67%"], lo[, "50%"], m, hi[, "50%"], hi[, "67%"], hi[, "95%"], hi[, "99%"])
    qs <- matrix(round(pmax(0, as.numeric(qs)), 4), nrow = 10)
    out[[length(out) + 1]] <- data.frame(offset = offset, store = keys$store_id[i], sku = keys$item_id[i], what = what, qs)
  }
  cat(sprintf("offset %d done\n", offset))
}
res <- do.call(rbind, out)
names(res) <- c("offset", "store", "sku", "what", paste0("f", seq_len(h)))
con <- gzfile(out_path, "w")
write.csv(res, con, row.names = FALSE, quote = FALSE)
close(con)
cat(sprintf("wrote %d rows to %s\n", nrow(res), out_path))
