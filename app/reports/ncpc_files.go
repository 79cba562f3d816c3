package reports

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
)

// NCPCKind is the report run of the NCPC report's files.
const NCPCKind = "ncpc_report"

// NCPCLifetime is how long an NCPC report file is kept.
const NCPCLifetime = 30 * 24 * time.Hour

// NCPCParams are a run's parameters: the year and the file's format.
type NCPCParams struct {
	Calendar string `json:"calendar"`
	FY       int    `json:"fy"`
	Format   string `json:"format"` // csv or xlsx
}

// Content types of the files.
const (
	ContentTypeCSV  = "text/csv; charset=utf-8"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// RegisterNCPC registers the NCPC report's kind of run: built as the person who asked (what
// they may see is what the file holds: a funder's, its own programs), seen only by them, kept
// 30 days.
func (d Deps) RegisterNCPC() {
	d.Runs.Register(runs.Kind{
		Name: NCPCKind, Label: "NCPC report",
		Build: d.buildNCPC,
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			if err != nil {
				return false, err
			}
			return sc.UserID != "" && r.RequestedBy == sc.UserID, nil
		},
		Lifetime: NCPCLifetime,
		Back: func(r *runs.Run) (string, string) {
			var p NCPCParams
			if err := r.DecodeParams(&p); err != nil || p.FY == 0 {
				return "Back to the NCPC report", "reports/ncpc"
			}
			return "Back to the NCPC report", fmt.Sprintf("reports/ncpc?calendar=%s&fy=%d", p.Calendar, p.FY)
		},
	})
}

// buildNCPC writes a run's file. The run's task has the tenant's scope without a person: the
// report is counted as the person who asked, in the role they hold now (a person no longer
// in the tenant gets no file).
func (d Deps) buildNCPC(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
	var p NCPCParams
	if err := r.DecodeParams(&p); err != nil {
		return "", "", err
	}
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return "", "", err
	}
	m, err := d.Tenants.ActiveMembership(ctx, sc.TenantID, r.RequestedBy)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return "", "", apperr.Errorf(apperr.EFORBIDDEN, "The person who asked for this report is no longer a member of the tenant.")
	}
	if err != nil {
		return "", "", err
	}
	sc.UserID, sc.Role, sc.OrganisationID = m.UserID, m.Role, m.OrganisationID
	ctx = database.WithScope(ctx, sc)
	t, err := d.tenant(ctx)
	if err != nil {
		return "", "", err
	}
	y := ParseYear(t, p.Calendar, fmt.Sprint(p.FY), d.now())
	total := len(NCPCFigures)*(len(PSCs)+1) + 1
	progress(0, total)
	rep, err := d.NCPC(ctx, y)
	if err != nil {
		return "", "", err
	}
	progress(1, total)
	base := "NCPC report " + strings.ReplaceAll(y.Label(), "–", "-")
	if p.Format == "xlsx" {
		return base + ".xlsx", ContentTypeXLSX, WriteNCPCXLSX(w, rep, func(done int) { progress(1+done, total) })
	}
	return base + ".csv", ContentTypeCSV, WriteNCPCCSV(w, rep, func(done int) { progress(1+done, total) })
}

// NCPCHeader is the files' header row.
var NCPCHeader = []string{"Section", "Figure", "PSC", "Q1", "Q2", "Q3", "Q4", "Year to date"}

// WriteNCPCCSV writes the report as one CSV file: one row per figure and PSC.
func WriteNCPCCSV(w io.Writer, rep *NCPCReport, done func(int)) error {
	cw := csvout.NewWriter(w)
	if err := cw.Write(NCPCHeader); err != nil {
		return err
	}
	for i, row := range rep.Rows {
		rec := []string{SectionLabel(row.Figure.Section), row.Figure.Label, row.PSCLabel()}
		for _, v := range row.Q {
			rec = append(rec, v.String())
		}
		if err := cw.Write(append(rec, row.YTD.String())); err != nil {
			return err
		}
		if done != nil {
			done(i + 1)
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteNCPCXLSX writes the report as a workbook with one sheet per section (Outputs,
// Outcomes, Measures), each streamed: a header row, then one row per figure and PSC (counts
// as numbers, percentages as text), then how each figure is counted.
func WriteNCPCXLSX(w io.Writer, rep *NCPCReport, done func(int)) error {
	f := excelize.NewFile()
	defer f.Close()
	n := 0
	for i, s := range []string{SectionOutputs, SectionOutcomes, SectionMeasures} {
		name := SectionLabel(s)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		if err := sw.SetColWidth(1, 1, 60); err != nil {
			return err
		}
		if err := sw.SetColWidth(2, 2, 45); err != nil {
			return err
		}
		header := make([]any, 0, len(NCPCHeader)-1)
		for _, h := range NCPCHeader[1:] {
			header = append(header, h)
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		rowN := 2
		seen := map[string]bool{}
		var hows []FigureDef
		for _, row := range rep.Section(s) {
			cells := []any{row.Figure.Label, row.PSCLabel()}
			for _, v := range append(row.Q[:], row.YTD) {
				if v.Percent {
					cells = append(cells, v.String())
				} else {
					cells = append(cells, v.N)
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, rowN)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
			rowN++
			n++
			if done != nil {
				done(n)
			}
			if !seen[row.Figure.Key] {
				seen[row.Figure.Key] = true
				hows = append(hows, row.Figure)
			}
		}
		rowN++
		for _, h := range hows {
			cell, _ := excelize.CoordinatesToCellName(1, rowN)
			if err := sw.SetRow(cell, []any{h.Label + ": " + h.How}); err != nil {
				return err
			}
			rowN++
		}
		if s == SectionOutcomes {
			for _, r := range ImprovementRules {
				cell, _ := excelize.CoordinatesToCellName(1, rowN)
				if err := sw.SetRow(cell, []any{r.Rule}); err != nil {
					return err
				}
				rowN++
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}
