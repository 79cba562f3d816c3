package reports

import (
	"context"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/tenants"
)

// A funder's report as a file: a run of FunderReportKind, built by a worker from the run's
// parameters (the year and the format; the funder is its subject), seen only by the person
// who asked, kept ReportLifetime. CSV holds the sections one under the other; XLSX has a sheet
// per section.

// FunderReportParams are a funder report run's parameters.
type FunderReportParams struct {
	Calendar string `json:"calendar"`
	FY       int    `json:"fy"`
	Format   string `json:"format"`
}

func (f *FunderReports) kind() runs.Kind {
	return runs.Kind{
		Name: FunderReportKind, Label: FunderReportLabel, Lifetime: ReportLifetime,
		Build:  f.build,
		MaySee: askedByMe,
		Back: func(r *runs.Run) (string, string) {
			var p FunderReportParams
			_ = r.DecodeParams(&p)
			return "Back to the report", "reports/funders/" + r.SubjectID + "?calendar=" + p.Calendar + "&fy=" + strconv.Itoa(p.FY)
		},
	}
}

// Start asks for funder id's report of year y as a file (format "csv" or "xlsx") by the person
// in ctx. Errors: ENOTFOUND for a funder they may not see, EINVALID for another format.
func (f *FunderReports) Start(ctx context.Context, id string, y Year, format string) (*runs.Run, error) {
	o, err := f.Funder(ctx, id)
	if err != nil {
		return nil, err
	}
	if format, err = FileFormat(format); err != nil {
		return nil, err
	}
	return f.d.Runs.Start(ctx, FunderReportKind, o.ID, FunderReportParams{Calendar: y.Calendar, FY: y.FY, Format: format})
}

func (f *FunderReports) build(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
	var p FunderReportParams
	if err := r.DecodeParams(&p); err != nil {
		return "", "", err
	}
	ten, err := f.d.tenant(ctx)
	if err != nil {
		return "", "", err
	}
	o, err := f.d.Tenants.Organisation(ctx, r.SubjectID)
	if err != nil {
		return "", "", err
	}
	if o.Kind != tenants.OrgFunder {
		return "", "", apperr.NotFound("funder")
	}
	progress(0, 2)
	rep, err := f.report(ctx, o, ParseYear(ten, p.Calendar, strconv.Itoa(p.FY), f.d.now()))
	if err != nil {
		return "", "", err
	}
	progress(1, 2)
	name := rep.Name() + " report " + rep.Year.Label()
	if rep.Year.Calendar == CalendarFederal {
		name += " (federal)"
	}
	switch p.Format {
	case "csv":
		err = rep.WriteCSV(w)
		name += ".csv"
	case "xlsx":
		err = rep.WriteXLSX(w)
		name += ".xlsx"
	default:
		return "", "", errFormat
	}
	if err != nil {
		return "", "", err
	}
	progress(2, 2)
	if p.Format == "csv" {
		return name, csvType, nil
	}
	return name, xlsxType, nil
}

// section is one part of the report as a table of cells: a title and its rows (the first is
// the header).
type section struct {
	Title string
	Rows  [][]string
}

// sections are the report's parts, in order: about, figures, TA stages, outcomes.
func (r *FunderReport) sections() []section {
	head := []string{"Figure"}
	for _, c := range r.Columns {
		label := c.Label
		if c.DueOn != "" {
			label += ", due " + c.DueOn
		}
		head = append(head, label)
	}
	about := section{Title: "About", Rows: [][]string{
		{"Funder", r.Funder.Name},
		{"Fiscal year", r.Year.Label() + " (" + r.Year.CalendarLabel() + ": " + r.Year.Span() + ")"},
		{"Programs funded in the year", strconv.Itoa(r.Funded)},
		{"Counted", "Only the programs this funder funds with a funding of the fiscal year."},
	}}
	figures := section{Title: "Figures", Rows: [][]string{append(append([]string{}, head...), "How it is counted")}}
	for _, f := range r.Figures() {
		figures.Rows = append(figures.Rows, append(append([]string{f.Name}, f.Values...), f.How))
	}
	stages := section{Title: "TA stages", Rows: [][]string{append([]string{"TA stage"}, head[1:]...)}}
	for _, f := range r.StageRows() {
		stages.Rows = append(stages.Rows, append([]string{f.Name}, f.Values...))
	}
	stages.Rows = append(stages.Rows, []string{"How it is counted", howStages})
	outcomes := section{Title: "Outcomes", Rows: [][]string{{"Instrument", "Subscale", "Better when", "Engagements with a pre and post", "Improved on the first subscale", "Engagements with both scores", "Mean change (post − pre)"}}}
	for _, o := range r.Outcomes {
		for i, s := range o.Subscales {
			row := []string{o.Short, s.Name, s.BetterWhen(), "", "", strconv.Itoa(s.Compared), s.Mean}
			if i == 0 {
				row[3], row[4] = strconv.Itoa(o.Engagements), strconv.Itoa(o.Improved)
			}
			outcomes.Rows = append(outcomes.Rows, row)
		}
	}
	if len(r.Outcomes) == 0 {
		outcomes.Rows = append(outcomes.Rows, []string{"No engagement has a pre-assessment and a post-assessment in this year."})
	}
	outcomes.Rows = append(outcomes.Rows, []string{"How it is counted", howOutcomes})
	return []section{about, figures, stages, outcomes}
}

// WriteCSV writes the report as CSV: each section under its title, a blank line between.
func (r *FunderReport) WriteCSV(w io.Writer) error {
	cw := csvout.NewWriter(w) // every cell guarded against formulas (a funder's or instrument's name)
	for i, s := range r.sections() {
		if i > 0 {
			if err := cw.Write([]string{""}); err != nil {
				return err
			}
		}
		if err := cw.Write([]string{s.Title}); err != nil {
			return err
		}
		for _, row := range s.Rows {
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the report as XLSX, a sheet per section (excelize's StreamWriter). A count
// goes in as a number, so a spreadsheet adds it up.
func (r *FunderReport) WriteXLSX(w io.Writer) error {
	x := excelize.NewFile()
	defer x.Close()
	for i, s := range r.sections() {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.Title); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(s.Title); err != nil {
			return err
		}
		sw, err := x.NewStreamWriter(s.Title)
		if err != nil {
			return err
		}
		for n, row := range s.Rows {
			cells := make([]any, len(row))
			for j, v := range row {
				cells[j] = v
				if n > 0 && j > 0 {
					if k, err := strconv.Atoi(v); err == nil {
						cells[j] = k
					} else if x, err := strconv.ParseFloat(v, 64); err == nil {
						cells[j] = x
					}
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+1)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return streamXLSX(x, w)
}
