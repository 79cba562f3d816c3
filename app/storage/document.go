package storage

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/apperr"
)

// Limits on an uploaded document (an application's résumé, a credential's evidence).
const (
	MaxDocumentMB = 10
	MaxDocument   = MaxDocumentMB << 20
	maxFileName   = 200
)

// DocumentKinds are the files a document may be: the type the bytes are, and the file name
// endings allowed for it.
var DocumentKinds = []struct {
	ContentType string
	Extensions  []string
	Label       string
}{
	{"application/pdf", []string{".pdf"}, "PDF"},
	{"image/png", []string{".png"}, "PNG"},
	{"image/jpeg", []string{".jpg", ".jpeg"}, "JPEG"},
	// A DOCX is a zip archive: the bytes say zip, the name says docx.
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}, "Word (DOCX)"},
}

// DocumentType returns the content type to store a file as, or "" when its name and its
// bytes do not agree on an allowed type.
func DocumentType(name string, head []byte) string {
	ext := strings.ToLower(path.Ext(name))
	sniffed := http.DetectContentType(head)
	if i := strings.IndexByte(sniffed, ';'); i >= 0 {
		sniffed = sniffed[:i]
	}
	for _, k := range DocumentKinds {
		for _, e := range k.Extensions {
			if e != ext {
				continue
			}
			want := k.ContentType
			if e == ".docx" {
				want = "application/zip"
			}
			if sniffed == want {
				return k.ContentType
			}
		}
	}
	return ""
}

// CleanFileName keeps the base name of an upload without control characters or quotes, at
// most 200 characters (keeping its ending).
func CleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > maxFileName {
		ext := path.Ext(name)
		name = string([]rune(name)[:maxFileName-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" || name == "." || name == "/" {
		name = "document"
	}
	return name
}

// Document is an upload that passed ReadDocument.
type Document struct {
	Name        string // cleaned
	ContentType string
	Data        []byte
}

// ReadDocument reads an upload and checks it: a file was chosen, it is not empty, at most
// 10 MB, and a PDF, PNG, JPEG or DOCX by its bytes and its name. Errors: EINVALID on field.
func ReadDocument(field, name string, body io.Reader) (*Document, error) {
	bad := func(msg string) error { return apperr.Invalid(map[string]string{field: msg}) }
	if body == nil || name == "" {
		return nil, bad("Choose a file to upload.")
	}
	data, err := io.ReadAll(io.LimitReader(body, MaxDocument+1))
	if err != nil {
		return nil, err
	}
	switch {
	case len(data) == 0:
		return nil, bad("That file is empty. Choose another.")
	case len(data) > MaxDocument:
		return nil, bad(fmt.Sprintf("That file is larger than %d MB. Upload a smaller one.", MaxDocumentMB))
	}
	ct := DocumentType(name, data[:min(len(data), 512)])
	if ct == "" {
		return nil, bad("Upload a PDF, PNG, JPEG or Word (DOCX) file: this one is not one of those.")
	}
	return &Document{Name: CleanFileName(name), ContentType: ct, Data: data}, nil
}
