package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// S3Config says where an S3-compatible bucket is (AWS S3, MinIO, Google Cloud Storage's
// interoperability endpoint, …). It is read from STORAGE_URL by ParseURL.
type S3Config struct {
	Endpoint  string // host[:port]
	Bucket    string
	Region    string // empty: asked of the server
	AccessKey string
	SecretKey string // never printed: see String
	TLS       bool   // https (the default); tls=false for a MinIO on a private network
	Create    bool   // create=1: make the bucket when it is missing (docker-compose, not production)
}

// String describes the bucket without its keys, for logs and errors.
func (c S3Config) String() string {
	scheme := "https"
	if !c.TLS {
		scheme = "http"
	}
	return fmt.Sprintf("bucket %q at %s://%s", c.Bucket, scheme, c.Endpoint)
}

// GoString keeps the secret out of %#v too.
func (c S3Config) GoString() string { return "storage.S3Config{" + c.String() + "}" }

// LogValue keeps the secret out of structured logs.
func (c S3Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// ParseURL reads STORAGE_URL. Empty means the local folder and returns nil. Otherwise it is
//
//	s3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket?region=us-east-1&tls=false&create=1
//
// tls defaults to true and create to false; without keys in the URL they come from
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (through getenv). A secret holding "/" is written
// %2F. An error's text is the problem alone (config puts the variable's name before it) and
// never contains the secret.
func ParseURL(raw string, getenv func(string) string) (*S3Config, error) {
	if raw == "" {
		return nil, nil
	}
	const shape = "s3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket"
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's message quotes the whole URL, secret included: say less.
		return nil, fmt.Errorf("is not a valid URL (%s; write a / in the secret as %%2F)", shape)
	}
	if u.Scheme != "s3" {
		return nil, fmt.Errorf("must be empty (files in DATA_DIR/files) or an s3:// URL (%s)", shape)
	}
	c := &S3Config{Endpoint: u.Host, TLS: true}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("must name the server's host (%s)", shape)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("has a bad port %q (1 to 65535)", p)
		}
	}
	c.Bucket = strings.Trim(u.Path, "/")
	if c.Bucket == "" || strings.Contains(c.Bucket, "/") {
		return nil, fmt.Errorf("must name one bucket as its path (%s)", shape)
	}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		return nil, fmt.Errorf("names a bucket %q that is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens)", c.Bucket)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errors.New("has a query that does not parse (region=…&tls=…&create=…)")
	}
	for k, v := range q {
		if len(v) != 1 {
			return nil, fmt.Errorf("gives %s more than once", k)
		}
		switch k {
		case "region":
			c.Region = v[0]
		case "tls", "create":
			b, err := strconv.ParseBool(v[0])
			if err != nil {
				return nil, fmt.Errorf("has %s=%q: use true or false (or 1 or 0)", k, v[0])
			}
			if k == "tls" {
				c.TLS = b
			} else {
				c.Create = b
			}
		default:
			return nil, fmt.Errorf("has an unknown option %q (known: region, tls, create)", k)
		}
	}
	if u.User != nil {
		c.AccessKey = u.User.Username()
		c.SecretKey, _ = u.User.Password()
		if c.AccessKey == "" || c.SecretKey == "" {
			return nil, fmt.Errorf("must give both keys, ACCESS_KEY:SECRET_KEY@, or neither (then AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
		}
	} else {
		c.AccessKey, c.SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
		if c.AccessKey == "" || c.SecretKey == "" {
			return nil, fmt.Errorf("has no keys: put them in the URL (%s) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", shape)
		}
	}
	return c, nil
}

// Open returns the store STORAGE_URL names: the local folder localRoot when cfg is nil, the
// bucket otherwise (see NewS3).
func Open(ctx context.Context, cfg *S3Config, localRoot string) (Store, error) {
	if cfg == nil {
		return NewLocal(localRoot), nil
	}
	return NewS3(ctx, *cfg)
}

// S3 keeps files in a bucket of an S3-compatible service. Uploads stream: a file of known
// size goes up as it is read, never whole in memory.
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the bucket and checks that it exists: a missing bucket is an error, unless
// cfg.Create, which makes it. Production buckets are made by whoever runs the service, with
// their own retention and access rules, so they are never made silently.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) { return newS3(ctx, cfg, nil) }

// newS3 is NewS3 with an HTTP transport (nil: the default), so tests can trust their server.
func newS3(ctx context.Context, cfg S3Config, transport http.RoundTripper) (*S3, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.TLS,
		Region:     cfg.Region,
		Transport:  transport,
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", cfg, err)
	}
	s := &S3{client: client, bucket: cfg.Bucket}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("storage: cannot reach %s: %w", cfg, err)
	}
	if ok {
		return s, nil
	}
	if !cfg.Create {
		return nil, fmt.Errorf("storage: %s does not exist: create it (or add create=1 to STORAGE_URL on a machine of your own)", cfg)
	}
	if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
		if code := minio.ToErrorResponse(err).Code; code != minio.BucketAlreadyOwnedByYou && code != minio.BucketAlreadyExists {
			return nil, fmt.Errorf("storage: creating %s: %w", cfg, err)
		}
	}
	return s, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// unknownSizePart is the part size of an upload of unknown size: the memory it holds.
const unknownSizePart = 16 << 20

// Put uploads the file, streaming it. With size not negative exactly size bytes must arrive:
// fewer fail the upload (nothing is kept) and more remove what was stored, as Local keeps
// nothing. Keys name one upload each, so there is no earlier version to keep.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	body := r
	if size >= 0 {
		body = io.LimitReader(r, size) // the request's length is size; the rest is checked below
	}
	cr := &countingReader{r: body}
	opts := minio.PutObjectOptions{ContentType: contentType}
	if size < 0 {
		// Of unknown size (a report run streamed as it is built), the upload goes in parts of
		// this size, one held at a time: minio-go's default for an unknown size is a part of
		// about 537 MB, which would hold most files whole in memory.
		opts.PartSize = unknownSizePart
	}
	if _, err := s.client.PutObject(ctx, s.bucket, key, cr, size, opts); err != nil {
		return fmt.Errorf("storage: %s: %w", key, err)
	}
	if size >= 0 {
		var one [1]byte
		if n, _ := io.ReadFull(r, one[:]); n > 0 || cr.n != size {
			_ = s.Delete(context.WithoutCancel(ctx), key)
			return fmt.Errorf("storage: %s: the body is not the %d bytes expected", key, size)
		}
	}
	return nil
}

// Get opens the file; ErrNotFound when there is none.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat() // the request is made here; an error comes back only now
	}
	if err != nil {
		if obj != nil {
			obj.Close()
		}
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("storage: %s: %w", key, err)
	}
	return obj, nil
}

// Delete removes the file; deleting a missing one is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return fmt.Errorf("storage: %s: %w", key, err)
	}
	return nil
}
