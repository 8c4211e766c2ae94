package investigate

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser PDF prints with.
var ChromiumPath = "/usr/bin/chromium"

// pdfTimeout bounds one print: starting the browser, loading the page, printing.
const pdfTimeout = 90 * time.Second

// PDF prints a report's HTML page to a PDF document with headless Chromium: Letter
// paper, the production and title at the top of every page, and "page N of M" with
// the checkpoint it was built from at the bottom. The page is loaded from a
// temporary file, so nothing is fetched from the network.
func PDF(ctx context.Context, page []byte, production, title, checkpoint string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "coldset-pdf-*")
	if err != nil {
		return nil, fmt.Errorf("print pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o600); err != nil {
		return nil, fmt.Errorf("print pdf: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	small := `style="font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9px; color: #333; width: 100%; margin: 0 0.5in; display: flex; justify-content: space-between;"`
	header := fmt.Sprintf(`<div %s><span>%s</span><span>%s</span></div>`, small, html.EscapeString(title), html.EscapeString(production))
	footer := fmt.Sprintf(`<div %s><span>%s</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
		small, html.EscapeString(checkpoint))
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+file)); err != nil {
		return nil, fmt.Errorf("print pdf: load page: %w", err)
	}
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperLetter),
		chromedp.PDFMargins(0.7, 0.5, 0.7, 0.5),
		chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate(header),
		chromedp.PDFFooterTemplate(footer),
	))
	if err != nil {
		return nil, fmt.Errorf("print pdf: %w", err)
	}
	return pdf, nil
}

// PDF prints the investigation report.
func (r *Report) PDF(ctx context.Context) ([]byte, error) {
	page, err := HTML(r)
	if err != nil {
		return nil, err
	}
	return PDF(ctx, page, r.Production.Name, r.Title, checkpointLine(r.Checkpoint))
}

// PDF prints the daily report.
func (d *Daily) PDF(ctx context.Context) ([]byte, error) {
	page, err := HTML(d)
	if err != nil {
		return nil, err
	}
	return PDF(ctx, page, d.Production.Name, d.Title+", "+d.Date, checkpointLine(d.Checkpoint))
}

func checkpointLine(cp Checkpoint) string {
	return fmt.Sprintf("Checkpoint %s size %d, root %s", cp.Origin, cp.Size, cp.RootHash)
}
