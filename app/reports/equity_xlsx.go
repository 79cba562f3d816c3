package reports

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/tenants"
)

// writeEquityXLSX writes the equity view as one sheet through excelize's StreamWriter, the same
// lines as the CSV (every count as text, "fewer than 10" where suppressed).
func writeEquityXLSX(w io.Writer, t *tenants.Tenant, eq *Equity) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Child outcomes"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, l := range equityLines(t, eq) {
		cells := make([]any, len(l))
		for j, s := range l {
			// A shown count is a number the spreadsheet can add; "fewer than 10" stays text.
			if n, err := strconv.Atoi(s); err == nil && j >= 2 {
				cells[j] = n
			} else {
				cells[j] = s
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
