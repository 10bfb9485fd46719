package http

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"os"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/unicode/norm"
)

const (
	// uploadEnvelope is what a multipart body may carry besides the file
	// (boundaries, part headers): a body longer than the limit plus this is
	// refused before it is read.
	uploadEnvelope = 1 << 20
	// uploadIdle is how long an upload may stall; a slow but steady upload
	// may take longer than the server's read timeout.
	uploadIdle = 60 * time.Second
	// uploadField is the multipart field of the file.
	uploadField = "file"
)

func tooLarge(limit int64) error {
	return &ecabinet.Error{Code: ecabinet.ETOOLARGE, Key: "document.too_large", Field: uploadField, Args: []any{ecabinet.FormatSize(limit)}}
}

// progressReader extends the connection's read deadline on every read, so
// an upload ends on a stall, not on its total duration.
type progressReader struct {
	r    io.Reader
	conn net.Conn
}

func (p *progressReader) Read(b []byte) (int, error) {
	if p.conn != nil {
		_ = p.conn.SetReadDeadline(time.Now().Add(uploadIdle))
	}
	return p.r.Read(b)
}

// uploadVersion receives a PDF as multipart/form-data (field "file"),
// streaming it to a temporary file within the upload limit, and hands it to
// the document service, which checks and stores it. The body is never held
// in memory; the temporary file is always removed.
func (s *Server) uploadVersion(c *fiber.Ctx, id int64) error {
	limit := s.opts.UploadLimit // a body announced over it is refused before it is read (refuseOversize)
	media, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || media != "multipart/form-data" || params["boundary"] == "" {
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "document.multipart", Field: uploadField}
	}
	body := &progressReader{r: c.Context().RequestBodyStream(), conn: c.Context().Conn()}
	f, name, err := s.spool(multipart.NewReader(body, params["boundary"]), limit)
	// Read what is left (the closing boundary; at most the envelope after a
	// file over the limit), so that the client sees the answer rather than
	// a reset and a kept-alive connection starts clean. More than that, the
	// connection closes.
	if n, _ := io.CopyN(io.Discard, body, 2*uploadEnvelope); n == 2*uploadEnvelope {
		closeAfter(c)
	}
	if err != nil {
		return err
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	d, err := s.opts.Documents.UploadVersion(c.UserContext(), id, ecabinet.Upload{Filename: norm.NFC.String(name), Content: f, Size: info.Size()})
	if err != nil {
		return err
	}
	return created(c, d)
}

// spool copies the file part of a multipart body to a new temporary file
// and returns it (positioned anywhere) with the part's file name. On error
// no file is left. Errors: invalid (no file part, malformed body),
// too_large.
func (s *Server) spool(mr *multipart.Reader, limit int64) (*os.File, string, error) {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", &ecabinet.Error{Code: ecabinet.EINVALID, Key: "document.file_required", Field: uploadField, Args: []any{uploadField}}
		}
		if err != nil {
			return nil, "", &ecabinet.Error{Code: ecabinet.EINVALID, Key: "document.multipart", Field: uploadField}
		}
		if part.FormName() != uploadField {
			continue // the next NextPart skips it
		}
		f, err := os.CreateTemp(s.opts.TempDir, "upload-*.pdf")
		if err != nil {
			return nil, "", fmt.Errorf("http: upload file: %w", err)
		}
		n, err := io.Copy(f, io.LimitReader(part, limit+1))
		switch {
		case err != nil:
			err = &ecabinet.Error{Code: ecabinet.EINVALID, Key: "document.multipart", Field: uploadField}
		case n > limit:
			err = tooLarge(limit)
		}
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			return nil, "", err
		}
		return f, part.FileName(), nil
	}
}
