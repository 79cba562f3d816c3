package reports

import (
	"archive/zip"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The sessions export (issue 12, section 3): every session of a period — a fiscal year or one
// of its quarters, on either calendar — as one row of a CSV or XLSX file, de-identified. It
// holds what a session was (date, length, mode, service, topics, how many participants of
// each role), where (the program, its kind and county) and in which engagement (its focus
// kind and TA stage), and nothing that names or describes a person: no notes (sealed), no
// shared summary, no child initials or age band, no follow-up or referral text, no consultant.
// A funder's people export only the programs their funder funds.
//
// It streams: one query, read row by row (never the whole result in memory), written as it
// is read (CSV through app/csvout, XLSX through excelize's StreamWriter, a new sheet past
// Excel's 1,048,576 rows).

// SessionsExportKind is the kind of run that writes the export.
const (
	SessionsExportKind  = "sessions_export"
	SessionsExportLabel = "Sessions export (de-identified)"
)

// progressEveryRows is how often the build reports its progress.
const progressEveryRows = 5000

// maxSheetRows is how many rows an XLSX sheet holds, the header included (Excel's limit); a
// variable so a test can go past it with a few rows.
var maxSheetRows = excelize.TotalRows

// SessionsFilter is what an export holds: the sessions of a fiscal year (Quarter 0) or of one
// of its quarters, of every program the person may export or of one funder's programs (those
// with a funding from it of the year).
type SessionsFilter struct {
	Calendar string `json:"calendar"`
	FY       int    `json:"fy"`
	Quarter  int    `json:"quarter,omitempty"`
	FunderID string `json:"funder_id,omitempty"`
	Format   string `json:"format"`
}

// SessionsExport writes the de-identified sessions export.
type SessionsExport struct {
	d       Deps
	funders *FunderReports
}

// NewSessionsExport returns the export and registers its kind of run on d.Runs.
func NewSessionsExport(d Deps, funders *FunderReports) *SessionsExport {
	s := &SessionsExport{d: d, funders: funders}
	if d.Runs != nil {
		d.Runs.Register(s.kind())
	}
	return s
}

// participantRoles are the roles participants are counted by, in consultation's order.
var participantRoles = func() []string {
	out := make([]string, len(consultation.ParticipantRoles))
	for i, r := range consultation.ParticipantRoles {
		out[i] = r.Value
	}
	return out
}()

func roleIndex(v string) int {
	for i, r := range participantRoles {
		if r == v {
			return i
		}
	}
	return -1
}

// sessionColumns are the export's columns, in order.
func sessionColumns() []string {
	head := []string{"Date", "Minutes", "Mode", "Service", "Training topic", "Topics"}
	for _, r := range consultation.ParticipantRoles {
		head = append(head, "Participants: "+r.Label)
	}
	return append(head, "Program", "Program kind", "County", "Engagement focus", "TA stage", "Fiscal quarter")
}

// Period is the span an export covers.
type Period struct {
	Year     Year
	Quarter  int // 0 for the whole year
	From, To string
	Label    string // "FY 2025–26" or "Q1 (July–September 2025) of FY 2025–26"
}

// PeriodOf is quarter 1–4 of year y, or the whole year for any other quarter.
func PeriodOf(y Year, quarter int) Period {
	p := Period{Year: y, From: y.From(), To: y.To(), Label: y.Label()}
	if quarter >= 1 && quarter <= 4 {
		q := y.Quarters()[quarter-1]
		p.Quarter, p.From, p.To, p.Label = q.N, q.From, q.To, q.Label+" of "+y.Label()
	}
	return p
}

// sessionsQuery is the export's one query: the sessions of from–to (of funderID's programs
// funded in fiscal year fy, when set) with their program and engagement, program by program,
// each in date order. That order is the index's (tenant_id, program_id, held_on), so the rows
// stream as they are read: in plain date order, PostgreSQL sorts a million rows on disk before
// the first one comes (twice the time of the whole export).
func sessionsQuery(t database.Tenant, from, to, funderID string, fy int) *bun.SelectQuery {
	q := t.SelectFrom("consultation_sessions", "s").
		ColumnExpr("s.held_on, s.minutes, s.mode, s.service, s.training_topic, s.topics, s.participants").
		ColumnExpr("o.name, o.program_kind, o.county, e.focus, e.stage").
		Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
		Join("JOIN engagements AS e ON e.tenant_id = s.tenant_id AND e.id = s.engagement_id").
		Where("s.held_on BETWEEN ? AND ?", from, to)
	if funderID != "" {
		q = q.Where("s.program_id IN (?)", fundedPrograms(t, funderID, fy))
	}
	return q.OrderExpr("s.program_id, s.held_on")
}

// countSessions counts the rows of the export, for its progress: the sessions alone (every
// session has its program and engagement).
func countSessions(ctx context.Context, t database.Tenant, from, to, funderID string, fy int) (int, error) {
	q := t.SelectFrom("consultation_sessions", "s").Where("s.held_on BETWEEN ? AND ?", from, to)
	if funderID != "" {
		q = q.Where("s.program_id IN (?)", fundedPrograms(t, funderID, fy))
	}
	n, err := q.Count(ctx)
	return int(n), err
}

// maxRoles bounds the participant roles a record holds (consultation has 7; a test checks).
const maxRoles = 16

// sessionRecord is one row of the export.
type sessionRecord struct {
	HeldOn, Mode, Service, TrainingTopic, Topics string
	Minutes                                      int
	Participants                                 [maxRoles]int // by participantRoles
	Program, ProgramKind, County, Focus, TAStage string
	Quarter                                      string
}

// labels turns stored values into words once per distinct value.
type labels map[string]string

func (l labels) get(v string, f func(string) string) string {
	if w, ok := l[v]; ok {
		return w
	}
	w := f(v)
	l[v] = w
	return w
}

func focusLabel(v string) string {
	for _, f := range consultation.Focuses {
		if f.Value == v {
			return f.Label
		}
	}
	return v
}

// exportSpan is what one build reads: the dates, the funder filter and the calendar the
// quarter column is counted on.
type exportSpan struct {
	From, To string
	FunderID string
	FY       int
	Year     Year // its Calendar and StartMonth name each row's fiscal quarter
}

// eachSession runs the export's query and calls fn with each row in its order, reporting
// progress every progressEveryRows rows. The record is reused: fn must not keep it.
func eachSession(ctx context.Context, db *bun.DB, sp exportSpan, progress func(done, total int), fn func(*sessionRecord) error) error {
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	total, err := countSessions(ctx, t, sp.From, sp.To, sp.FunderID, sp.FY)
	if err != nil {
		return err
	}
	progress(0, total)
	rows, err := sessionsQuery(t, sp.From, sp.To, sp.FunderID, sp.FY).Rows(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	modes, services, kinds, focuses, stages, quarters := labels{}, labels{}, labels{}, labels{}, labels{}, labels{}
	quarterOf := func(day string) string { return fiscalQuarterLabel(sp.Year, day) }
	taStage := func(v string) string { return consultation.StageOf(v).TAStage }
	var rec sessionRecord
	counts := rec.Participants[:len(participantRoles)]
	var topics, participants, focus, stage, mode, service, kind string
	done := 0
	for rows.Next() {
		if err := rows.Scan(&rec.HeldOn, &rec.Minutes, &mode, &service, &rec.TrainingTopic, &topics, &participants,
			&rec.Program, &kind, &rec.County, &focus, &stage); err != nil {
			return err
		}
		rec.Mode = modes.get(mode, consultation.ModeLabel)
		rec.Service = services.get(service, consultation.ServiceLabel)
		rec.ProgramKind = kinds.get(kind, tenants.ProgramKindLabel)
		rec.Focus = focuses.get(focus, focusLabel)
		rec.TAStage = stages.get(stage, taStage)
		if len(rec.HeldOn) >= 7 {
			rec.Quarter = quarters.get(rec.HeldOn[:7], quarterOf)
		}
		if rec.Topics, err = joinTopics(topics); err != nil {
			return err
		}
		if err := parseCounts(participants, counts); err != nil {
			return err
		}
		if err := fn(&rec); err != nil {
			return err
		}
		done++
		if done%progressEveryRows == 0 {
			progress(done, max(total, done))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	progress(done, done)
	return nil
}

// pipelineBatch is how many rows go from the reader to the writer at a time.
const pipelineBatch = 256

// eachSessionPipelined is eachSession with the reading (the driver, the parsing, the words)
// in a goroutine of its own, so the rows are read while the ones before them are written:
// with two cores, the file is written in about the time its writing alone takes. At most a
// few batches of rows are in memory at once. fn runs in the caller's goroutine.
func eachSessionPipelined(ctx context.Context, db *bun.DB, sp exportSpan, progress func(done, total int), fn func(*sessionRecord) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := make(chan []sessionRecord, 4)
	empty := make(chan []sessionRecord, 6)
	read := make(chan error, 1)
	go func() {
		defer close(full)
		batch := make([]sessionRecord, 0, pipelineBatch)
		send := func() bool {
			select {
			case full <- batch:
			case <-ctx.Done():
				return false
			}
			select {
			case batch = <-empty:
				batch = batch[:0]
			default:
				batch = make([]sessionRecord, 0, pipelineBatch)
			}
			return true
		}
		err := eachSession(ctx, db, sp, progress, func(r *sessionRecord) error {
			batch = append(batch, *r)
			if len(batch) == pipelineBatch && !send() {
				return ctx.Err()
			}
			return nil
		})
		if err == nil && len(batch) > 0 && !send() {
			err = ctx.Err()
		}
		read <- err
	}()
	for batch := range full {
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				cancel()
				for range full { // let the reader stop
				}
				<-read
				return err
			}
		}
		select {
		case empty <- batch:
		default:
		}
	}
	return <-read
}

// fiscalQuarterLabel names the fiscal quarter of a day (YYYY-MM…) on y's calendar, as the
// year is named on the page: "FY 2025–26 Q1" (state, July), "FY 2024–25 Q4" (federal).
func fiscalQuarterLabel(y Year, day string) string {
	yr, err1 := strconv.Atoi(day[:4])
	m, err2 := strconv.Atoi(day[5:7])
	if err1 != nil || err2 != nil {
		return ""
	}
	start := max(1, y.StartMonth)
	fy := yr
	if start > 1 && m >= start {
		fy++
	}
	q := ((m-start+12)%12)/3 + 1
	return Year{Calendar: y.Calendar, FY: fy, StartMonth: start}.Label() + " Q" + strconv.Itoa(q)
}

// parseCounts reads a participants column ({"educators":3,"family_members":1}) into counts by
// participantRoles, without encoding/json for the plain form the application writes (it is
// read for every row); anything else goes through encoding/json.
func parseCounts(s string, counts []int) error {
	clear(counts)
	if fastCounts(s, counts) {
		return nil
	}
	clear(counts)
	var m map[string]int
	if err := json.Unmarshal([]byte(s), &m); err != nil && strings.TrimSpace(s) != "" {
		return fmt.Errorf("participants %q: %w", s, err)
	}
	for k, n := range m {
		if i := roleIndex(k); i >= 0 {
			counts[i] += n
		}
	}
	return nil
}

func fastCounts(s string, counts []int) bool {
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			i++
		}
	}
	skip()
	if i >= len(s) || s[i] != '{' {
		return false
	}
	i++
	skip()
	if i < len(s) && s[i] == '}' {
		return true
	}
	for {
		skip()
		if i >= len(s) || s[i] != '"' {
			return false
		}
		i++
		start := i
		for i < len(s) && s[i] != '"' {
			if s[i] == '\\' {
				return false
			}
			i++
		}
		if i >= len(s) {
			return false
		}
		key := s[start:i]
		i++
		skip()
		if i >= len(s) || s[i] != ':' {
			return false
		}
		i++
		skip()
		neg := i < len(s) && s[i] == '-'
		if neg {
			i++
		}
		n, digits := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && digits < 9 {
			n = n*10 + int(s[i]-'0')
			i++
			digits++
		}
		if digits == 0 || (i < len(s) && s[i] >= '0' && s[i] <= '9') {
			return false
		}
		if neg {
			n = -n
		}
		if r := roleIndex(key); r >= 0 {
			counts[r] += n
		}
		skip()
		if i >= len(s) {
			return false
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			return true
		default:
			return false
		}
	}
}

// joinTopics writes a topics column (["Attachment","Trauma"]) as "Attachment; Trauma".
func joinTopics(s string) (string, error) {
	if s == "" || s == "[]" || s == "null" {
		return "", nil
	}
	if len(s) >= 4 && s[0] == '[' && s[1] == '"' && s[len(s)-2] == '"' && s[len(s)-1] == ']' && !strings.ContainsRune(s, '\\') {
		inner := s[2 : len(s)-2]
		if !strings.Contains(inner, `","`) {
			if strings.ContainsRune(inner, '"') {
				goto slow
			}
			return inner, nil
		}
		parts := strings.Split(inner, `","`)
		for _, p := range parts {
			if strings.ContainsRune(p, '"') {
				goto slow
			}
		}
		return strings.Join(parts, "; "), nil
	}
slow:
	var list []string
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return "", fmt.Errorf("topics %q: %w", s, err)
	}
	return strings.Join(list, "; "), nil
}

// writeSessionsCSV writes the export as CSV.
func writeSessionsCSV(ctx context.Context, db *bun.DB, sp exportSpan, w io.Writer, progress func(done, total int)) error {
	cw := csvout.NewWriter(w) // every cell guarded against formulas (a typed training topic, a program's name)
	if err := cw.Write(sessionColumns()); err != nil {
		return err
	}
	row := make([]string, len(sessionColumns()))
	err := eachSessionPipelined(ctx, db, sp, progress, func(r *sessionRecord) error {
		row = row[:0]
		row = append(row, r.HeldOn, strconv.Itoa(r.Minutes), r.Mode, r.Service, r.TrainingTopic, r.Topics)
		for i := range participantRoles {
			row = append(row, strconv.Itoa(r.Participants[i]))
		}
		row = append(row, r.Program, r.ProgramKind, r.County, r.Focus, r.TAStage, r.Quarter)
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeSessionsXLSX writes the export as XLSX, sheet by sheet through excelize's StreamWriter
// (each sheet's rows go to a temporary file as they come, not into memory); past
// maxSheetRows a sheet is full and the rows go on in the next ("Sessions 2", …), each with the
// header.
func writeSessionsXLSX(ctx context.Context, db *bun.DB, sp exportSpan, w io.Writer, progress func(done, total int)) error {
	f := excelize.NewFile()
	defer f.Close()
	head := sessionColumns()
	headRow := make([]any, len(head))
	for i, h := range head {
		headRow[i] = h
	}
	var sw *excelize.StreamWriter
	sheets, line := 0, 0
	newSheet := func() error {
		if sw != nil {
			if err := sw.Flush(); err != nil {
				return err
			}
		}
		sheets++
		name := "Sessions"
		if sheets == 1 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else {
			name = "Sessions " + strconv.Itoa(sheets)
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		var err error
		if sw, err = f.NewStreamWriter(name); err != nil {
			return err
		}
		line = 1
		return sw.SetRow("A1", headRow)
	}
	if err := newSheet(); err != nil {
		return err
	}
	row := make([]any, len(head))
	err := eachSessionPipelined(ctx, db, sp, progress, func(r *sessionRecord) error {
		if line >= maxSheetRows {
			if err := newSheet(); err != nil {
				return err
			}
		}
		line++
		row = row[:0]
		row = append(row, r.HeldOn, r.Minutes, r.Mode, r.Service, text(r.TrainingTopic), text(r.Topics))
		for i := range participantRoles {
			row = append(row, count(r.Participants[i]))
		}
		row = append(row, r.Program, text(r.ProgramKind), text(r.County), r.Focus, r.TAStage, r.Quarter)
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return streamXLSX(f, w)
}

// count is a participant count's cell: nil (a blank cell, which a sum reads as 0) for none.
// Most sessions count one or two roles of seven: leaving the others out halves the cells the
// StreamWriter formats for a million rows.
func count(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// text is a cell's value for the StreamWriter: nil (no cell written) for an empty text.
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// streamXLSX writes f to w as its zip is made. excelize's WriteTo builds the whole file in a
// bytes.Buffer first (hundreds of MB for a million rows), so the zip writer it is given here
// writes straight to w instead, and what WriteTo then copies is empty. (excelize patches that
// buffer only for a part over 4 GB, which a sheet of at most 1,048,576 rows is not.) The
// parts are compressed at deflate's best speed: a million rows of XML compress several times
// faster than at the default level, for a somewhat larger file.
func streamXLSX(f *excelize.File, w io.Writer) error {
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	return f.Write(io.Discard)
}

// kind is the export's kind of run: seen only by the person who asked, kept 30 days, its
// page linking back to the export page.
func (s *SessionsExport) kind() runs.Kind {
	return runs.Kind{
		Name: SessionsExportKind, Label: SessionsExportLabel, Lifetime: ReportLifetime,
		Build:  s.build,
		MaySee: askedByMe,
		Back:   func(*runs.Run) (string, string) { return "Back to the sessions export", "reports/sessions" },
	}
}

// ReportLifetime is how long a report's file is kept.
const ReportLifetime = 30 * 24 * time.Hour

// askedByMe: a report's file is seen only by the person who asked for it.
func askedByMe(ctx context.Context, r *runs.Run) (bool, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return false, err
	}
	return sc.UserID != "" && sc.UserID == r.RequestedBy, nil
}

// build writes a run's file. The filter in its parameters was settled when it was asked for
// (a funder's people always have their funder in it).
func (s *SessionsExport) build(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
	var f SessionsFilter
	if err := r.DecodeParams(&f); err != nil {
		return "", "", err
	}
	ten, err := s.d.tenant(ctx)
	if err != nil {
		return "", "", err
	}
	p := PeriodOf(ParseYear(ten, f.Calendar, strconv.Itoa(f.FY), s.d.now()), f.Quarter)
	sp := exportSpan{From: p.From, To: p.To, FunderID: f.FunderID, FY: p.Year.FY, Year: p.Year}
	name := "Sessions " + p.Year.Label()
	if p.Quarter > 0 {
		name += " Q" + strconv.Itoa(p.Quarter)
	}
	if p.Year.Calendar == CalendarFederal {
		name += " (federal)"
	}
	switch f.Format {
	case "xlsx":
		return name + ".xlsx", xlsxType, writeSessionsXLSX(ctx, s.d.DB, sp, w, progress)
	case "csv":
		return name + ".csv", csvType, writeSessionsCSV(ctx, s.d.DB, sp, w, progress)
	}
	return "", "", errFormat
}

// Content types of the files.
const (
	csvType  = "text/csv; charset=utf-8"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Start asks for an export of f by the person in ctx: a funder's people get their own
// funder's programs whatever f says; a tenant admin all programs, or one funder's. It returns
// the run (its page shows the progress, then the download). Errors: EINVALID for a format
// other than CSV or XLSX or an unknown funder, EFORBIDDEN for other roles.
func (s *SessionsExport) Start(ctx context.Context, f SessionsFilter) (*runs.Run, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if f.Format, err = FileFormat(f.Format); err != nil {
		return nil, err
	}
	switch sc.Role {
	case authz.Funder:
		f.FunderID = sc.OrganisationID
	case authz.TenantAdmin:
		if f.FunderID != "" {
			if _, err := s.funders.Funder(ctx, f.FunderID); err != nil {
				return nil, apperr.Invalid(map[string]string{"funder_id": "Choose one of the funders listed, or all programs."})
			}
		}
	default:
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "The sessions export is for tenant admins and funders.")
	}
	if f.Calendar != CalendarFederal {
		f.Calendar = CalendarState
	}
	if f.Quarter < 0 || f.Quarter > 4 {
		return nil, apperr.Invalid(map[string]string{"quarter": "Choose the whole year or one of its quarters."})
	}
	return s.d.Runs.Start(ctx, SessionsExportKind, f.FunderID, f)
}
