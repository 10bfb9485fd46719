package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// jsonBodyLimit is the largest JSON request body. Uploads have their own
// limit (ECABINET_UPLOAD_LIMIT) on their own route.
const jsonBodyLimit = 1 << 20

// headerLimit is the most a request line and its headers may take: it is
// also each connection's read buffer, which a WebSocket keeps for its life
// (10,000 idle tablets hold 40 MB at 4 KiB). A tablet's requests carry about
// 1 KiB (two cookies of e-Cabinet's, the user agent, Accept headers); the
// rest is room for a proxy's headers and other cookies of the domain.
const headerLimit = 4096

// lang picks "en" or "vi" from Accept-Language; Vietnamese is the default.
func lang(c *fiber.Ctx) string {
	best, bestQ := "vi", -1.0
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptLanguage), ",") {
		tag, q := strings.TrimSpace(part), 1.0
		if i := strings.Index(tag, ";"); i >= 0 {
			if v, ok := strings.CutPrefix(strings.TrimSpace(tag[i+1:]), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			tag = tag[:i]
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (primary == "vi" || primary == "en") && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// decode reads the JSON request body into v strictly: one object, no unknown
// fields, right types, at most jsonBodyLimit bytes. The error names the field.
func decode(c *fiber.Ctx, v any) error {
	body, err := readBody(c, jsonBodyLimit)
	if err != nil {
		return ecabinet.Errorf(ecabinet.EINVALID, "json.malformed")
	}
	return decodeBytes(body, v)
}

// readBody reads the streamed request body, up to limit+1 bytes: longer
// than limit means too large.
func readBody(c *fiber.Ctx, limit int64) ([]byte, error) {
	var r io.Reader = bytes.NewReader(nil)
	if s := c.Context().RequestBodyStream(); s != nil {
		r = s
	}
	return io.ReadAll(io.LimitReader(r, limit+1))
}

// decodeBytes is decode's parser, also used by the WebSocket reader.
func decodeBytes(body []byte, v any) error {
	if len(body) > jsonBodyLimit {
		return jsonTooLarge()
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "json.empty", Field: "body"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "json.trailing", Field: "body"}
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "body"
		}
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "json.wrong_type", Field: field, Args: []any{field}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		field := name
		if field == "" {
			field = "body" // a key that is empty names nothing
		}
		return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "json.unknown_field", Field: field, Args: []any{name}}
	}
	return &ecabinet.Error{Code: ecabinet.EINVALID, Key: "json.malformed", Field: "body"}
}

// paramID reads a positive integer path parameter.
func paramID(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Params(name)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, &ecabinet.Error{Code: ecabinet.EINVALID, Key: "param.id", Field: name, Args: []any{strings.Clone(raw)}}
	}
	return id, nil
}

// created answers 201 with v.
func created(c *fiber.Ctx, v any) error { return c.Status(fiber.StatusCreated).JSON(v) }

// ok answers 200 with v.
func ok(c *fiber.Ctx, v any) error { return c.JSON(v) }

// reply answers 200 with v, or returns err.
func reply(c *fiber.Ctx, v any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// fileSection is part of an open file, closed with it once sent.
type fileSection struct {
	*io.SectionReader
	f *os.File
}

func (s fileSection) Close() error { return s.f.Close() }

// sendFile streams a local file as the response body, answering a single
// byte range with 206 (RFC 9110, section 14): several ranges, other units
// or a malformed header get the whole file, a range outside it 416. An
// If-Range that does not match the file's ETag gets the whole file too, so
// a reader never mixes parts of two files.
func sendFile(c *fiber.Ctx, path, contentType string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return err
	}
	size := info.Size()
	etag := fmt.Sprintf(`"%x-%x"`, info.ModTime().UnixNano(), size)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	start, end, status := int64(0), size-1, fiber.StatusOK
	if h := c.Get(fiber.HeaderRange); h != "" && (c.Get(fiber.HeaderIfRange) == "" || c.Get(fiber.HeaderIfRange) == etag) {
		s, e, ok, unsatisfiable := byteRange(h, size)
		switch {
		case unsatisfiable:
			_ = f.Close()
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
			return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
		case ok:
			start, end, status = s, e, fiber.StatusPartialContent
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, end, size))
		}
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, contentType)
	c.Context().SetBodyStream(fileSection{SectionReader: io.NewSectionReader(f, start, end-start+1), f: f}, int(end-start+1))
	return nil
}

// byteRange reads a Range header for a body of size bytes. ok means serve
// [start, end]; unsatisfiable means the range lies outside the body;
// neither means ignore the header.
func byteRange(h string, size int64) (start, end int64, ok, unsatisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" { // the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, false, true
		}
		return max(size-n, 0), size - 1, true, false
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false, false
	}
	if start >= size {
		return 0, 0, false, true
	}
	end = size - 1
	if last != "" {
		e, err := strconv.ParseInt(last, 10, 64)
		if err != nil || e < start {
			return 0, 0, false, false
		}
		end = min(e, size-1)
	}
	return start, end, true, false
}
