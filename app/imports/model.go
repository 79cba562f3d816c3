// Package imports brings programs (with their fundings and budget lines) and people (as
// invitations) into a tenant from a CSV file. An upload is checked at once for what makes the
// file unreadable (size, encoding, columns, row count); a background task (imports:validate)
// then checks every row and field against the tenant's records, and a second one (imports:run)
// writes everything once the person has seen the preview and confirmed. Nothing is written
// unless the whole file is valid.
package imports

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/runs"
)

// Kinds of import.
const (
	KindPrograms = "programs"
	KindPeople   = "people"
)

// Kinds lists the kinds of import, in the order the page shows them.
var Kinds = []string{KindPrograms, KindPeople}

// KindLabel is the plain name of a kind of import.
func KindLabel(kind string) string {
	switch kind {
	case KindPrograms:
		return "Programs and fundings"
	case KindPeople:
		return "People"
	}
	return kind
}

// Statuses of an import, in the order it goes through them.
const (
	StatusValidating = "validating" // the imports:validate task is checking every row
	StatusInvalid    = "invalid"    // the file has problems: nothing can be written
	StatusValid      = "valid"      // every row is good: waiting for the person to confirm
	StatusImporting  = "importing"  // the imports:run task is writing
	StatusDone       = "done"
	StatusFailed     = "failed" // the run found problems that appeared after validation
)

// Limits of an upload.
const (
	MaxFileBytes = 5 << 20
	MaxRows      = 10000
	// PreviewRows is how many parsed rows the page shows before the import is confirmed.
	PreviewRows = 20
	// ShownProblems is how many problems the page lists (all of them are in the CSV of
	// problems).
	ShownProblems = 200
)

// Import is one uploaded CSV file and what became of it.
type Import struct {
	bun.BaseModel `bun:"table:imports,alias:imp"`
	database.TenantScoped

	ID            string      `bun:"id,pk"`
	Kind          string      `bun:"kind"`
	Status        string      `bun:"status"`
	FileName      string      `bun:"file_name"`
	Content       string      `bun:"content"` // the file, as UTF-8 text without a BOM
	TotalRows     int         `bun:"total_rows"`
	ProcessedRows int         `bun:"processed_rows"`
	Problems      ProblemList `bun:"problems,type:text"`
	CreatedBy     string      `bun:"created_by"`
	CreatedAt     time.Time   `bun:"created_at"`
	UpdatedAt     time.Time   `bun:"updated_at"`
	FinishedAt    *time.Time  `bun:"finished_at"`
}

// KindLabel is the plain name of the import's kind.
func (i *Import) KindLabel() string { return KindLabel(i.Kind) }

// StatusLabel is the plain name of the import's status.
func (i *Import) StatusLabel() string {
	switch i.Status {
	case StatusValidating:
		return "Checking the file"
	case StatusInvalid:
		return "Has problems"
	case StatusValid:
		return "Ready to import"
	case StatusImporting:
		return "Importing"
	case StatusDone:
		return "Imported"
	case StatusFailed:
		return "Stopped"
	}
	return i.Status
}

// RowsText is the number of rows for people: "1 row", "10,000 rows".
func (i *Import) RowsText() string { return rowsText(i.TotalRows) }

func rowsText(n int) string {
	if n == 1 {
		return "1 row"
	}
	return thousands(n) + " rows"
}

// Working reports whether a task is still busy with the import (the page keeps polling).
func (i *Import) Working() bool { return i.Status == StatusValidating || i.Status == StatusImporting }

// Progress is the import's progress for the one progress partial (views/runs/_progress.html),
// the same as a report run's; poll is the import's page. While the file is checked the bar
// has no figures (the check counts no rows); while it is written, it counts the rows.
func (i *Import) Progress(poll string) runs.Progress {
	p := runs.Progress{ID: "import-progress", Working: i.Working(), Poll: poll}
	switch i.Status {
	case StatusValidating:
		p.Label = "Checking every row of the file (" + i.RowsText() + ")"
	default:
		p.Label, p.Done, p.Total, p.Unit = "Importing", i.ProcessedRows, i.TotalRows, "rows"
		if i.TotalRows == 1 {
			p.Unit = "row"
		}
	}
	return p
}

// Problem is one thing wrong with the file: a row (as a spreadsheet numbers it: the header is
// row 1) and a column, or the whole file (Row 0).
type Problem struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String is the problem as the page shows it: Row 14, budget_amount: “12.345” is not ...
func (p Problem) String() string {
	switch {
	case p.Row > 0 && p.Field != "":
		return fmt.Sprintf("Row %d, %s: %s", p.Row, p.Field, p.Message)
	case p.Row > 0:
		return fmt.Sprintf("Row %d: %s", p.Row, p.Message)
	}
	return p.Message
}

// ProblemList is kept in one TEXT column as JSON.
type ProblemList []Problem

// Value implements driver.Valuer.
func (l ProblemList) Value() (driver.Value, error) { return database.JSONValue(l) }

// Scan implements sql.Scanner.
func (l *ProblemList) Scan(src any) error { return database.ScanJSON(src, (*[]Problem)(l)) }

// Funding and BudgetLine are app/programs' models: the import writes the same rows that the
// program pages do.
type (
	Funding    = programs.Funding
	BudgetLine = programs.BudgetLine
)
