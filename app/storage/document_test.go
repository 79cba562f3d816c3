package storage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/apperr"
)

func TestReadDocument(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	d, err := ReadDocument("evidence", `C:\scans\Endorsement "2026".pdf`, bytes.NewReader(pdf))
	if err != nil || d.ContentType != "application/pdf" || d.Name != "Endorsement 2026.pdf" || !bytes.Equal(d.Data, pdf) {
		t.Fatalf("good PDF: %+v %v", d, err)
	}
	for name, body := range map[string][]byte{
		"":           pdf, // no file chosen
		"empty.pdf":  {},
		"notes.pdf":  []byte("plain text"),
		"cv.exe":     pdf,
		"big.pdf":    append(append([]byte{}, pdf...), make([]byte, MaxDocument)...),
		"image.jpeg": pdf,
	} {
		_, err := ReadDocument("evidence", name, bytes.NewReader(body))
		if apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)["evidence"] == "" {
			t.Errorf("%q: got %v, want a message on evidence", name, err)
		}
		if name == "big.pdf" && !strings.Contains(apperr.FieldsOf(err)["evidence"], "10 MB") {
			t.Errorf("too big: %q", apperr.FieldsOf(err)["evidence"])
		}
	}
	if _, err := ReadDocument("file", "x.pdf", nil); apperr.FieldsOf(err)["file"] != "Choose a file to upload." {
		t.Fatalf("no body: %v", err)
	}
	if got := CleanFileName(strings.Repeat("a", 300) + ".pdf"); len([]rune(got)) != 200 || !strings.HasSuffix(got, ".pdf") {
		t.Fatalf("long name kept %d characters", len([]rune(got)))
	}
}
