/**
 * The frame of the dashboard's own pages: title, the navigation every page carries ("New run",
 * "Runs", the operators' queue view in bull-board), and the shared style. Plain HTML, no script.
 */

/** Escape text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Policy of the dashboard's own pages: no script at all. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Policy of a run's page: {@link PAGE_CSP}, and its report in a frame from this dashboard. */
export const RUN_PAGE_CSP = `${PAGE_CSP}; frame-src 'self'`;

/** Where the pages live. */
export const PAGES = { newRun: '/new-run', runs: '/runs', board: '/queues' } as const;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f7f9fb; }
header { background: #243b53; color: #fff; padding: .6rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; }
header a { color: #d9e2ec; text-decoration: none; } header a:hover { color: #fff; text-decoration: underline; }
header .here { color: #fff; font-weight: 600; border-bottom: 2px solid #f0b429; }
header .brand { font-weight: 700; color: #fff; margin-right: 1rem; }
header .ops { margin-left: auto; font-size: 13px; }
main { padding: 1rem 1.5rem 3rem; max-width: 72rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; } section.card > h2:first-child { margin-top: .2rem; }
section.card { background: #fff; border: 1px solid #d9e2ec; border-radius: .4rem; padding: .8rem 1rem; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #d9e2ec; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.muted, .id { color: #52606d; font-size: 12px; } .id { font-family: ui-monospace, monospace; }
.notice { background: #fffbea; border: 1px solid #f0b429; padding: .5rem .8rem; border-radius: .3rem; }
.error { background: #fde8e8; border: 1px solid #b42318; color: #7a1a12; padding: .5rem .8rem; border-radius: .3rem; white-space: pre-wrap; }
.ok { color: #1a7f37; }
.status { font-weight: 600; } .status-failed { color: #b42318; } .status-published, .status-validated { color: #1a7f37; } .status-degraded { color: #b54708; }
label { display: block; font-weight: 600; margin-top: .7rem; } label .muted { font-weight: normal; }
input, select { font: inherit; padding: .25rem .4rem; margin-top: .2rem; }
button { font: inherit; font-weight: 600; padding: .4rem 1rem; margin-top: 1rem; background: #2f80ed; color: #fff; border: 0; border-radius: .3rem; cursor: pointer; }
dl.figures { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; } dl.figures dt { color: #52606d; } dl.figures dd { margin: 0; font-weight: 600; }
`;

/**
 * A whole page.
 * @param title the page's title (also its heading's text when `heading` is not given).
 * @param body HTML of the main part (already escaped where it holds input).
 * @param opts.here which navigation entry is the current page.
 * @param opts.refreshSeconds reload the page after this many seconds (a run in flight).
 */
export function renderPage(title: string, body: string, opts: { here?: 'newRun' | 'runs'; refreshSeconds?: number } = {}): string {
  const link = (key: 'newRun' | 'runs', text: string) => `<a href="${PAGES[key]}"${opts.here === key ? ' class="here" aria-current="page"' : ''}>${text}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
<title>${escapeHtml(title)} - forecast</title>
<style>${STYLE}</style>
</head>
<body>
<header><span class="brand">Forecast</span>${link('newRun', 'New run')}${link('runs', 'Runs')}<a class="ops" href="${PAGES.board}">Queues (operators)</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}
