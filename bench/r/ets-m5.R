# Reference forecasts for bench/m5-accuracy.ts: R forecast::ets() on every M5-slice series.
#
# Same split as the benchmark: the last 28 days of sales.csv.gz are held out; each series is
# fitted from its first sale (the M5 definition: pre-launch zeros are not history) to the last
# training day, as a daily series with weekly seasonality (ts(frequency = 7)), with ets()'s
# automatic model choice (AICc over the admissible ETS models; damped trend allowed). The 28
# point forecasts are clipped at 0 (demand cannot be negative; the pipeline clips the same way)
# and written, rounded to 4 decimals, to bench/r/ets-m5.csv: store,sku,f1..f28.
#
# Usage (from the project root): Rscript bench/r/ets-m5.R ../shared/data [bench/r/ets-m5.csv]
# Needs: R with the forecast package (Debian: apt-get install -y r-cran-forecast).
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[1] else "../shared/data"
out_path <- if (length(args) >= 2) args[2] else "bench/r/ets-m5.csv"
h <- 28

sales <- read.csv(gzfile(file.path(data_dir, "m5-slice", "sales.csv.gz")), stringsAsFactors = FALSE)
sales$date <- as.Date(sales$date)
last_train <- max(sales$date) - h
keys <- unique(sales[, c("store_id", "item_id")])

rows <- vector("list", nrow(keys))
models <- character(nrow(keys))
for (i in seq_len(nrow(keys))) {
  s <- sales[sales$store_id == keys$store_id[i] & sales$item_id == keys$item_id[i] & sales$date <= last_train, ]
  s <- s[order(s$date), ]
  first <- which(s$units > 0)[1]
  y <- ts(s$units[first:nrow(s)], frequency = 7)
  fit <- ets(y)
  models[i] <- fit$method
  fc <- pmax(0, as.numeric(forecast(fit, h = h)$mean))
  rows[[i]] <- round(fc, 4)
}
out <- data.frame(store = keys$store_id, sku = keys$item_id, do.call(rbind, rows))
names(out) <- c("store", "sku", paste0("f", seq_len(h)))
write.csv(out, out_path, row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %d series x %d days to %s\n", nrow(out), h, out_path))
print(sort(table(models), decreasing = TRUE))
